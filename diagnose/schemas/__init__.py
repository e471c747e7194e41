"""The wire format's JSON Schemas (draft 2020-12), shipped as data: see diagnose.consult.wire."""
