"""The HTTP service's OpenAPI 3.1 document, written by hand around the wire schemas, and its knowledge listing."""

from __future__ import annotations

import functools
from typing import Any

from diagnose.consult.wire import NAMES, schema
from diagnose.knowledge.model import KnowledgeBase

__all__ = ["docs_html", "document", "knowledge_dict"]


def knowledge_dict(kb: KnowledgeBase) -> dict[str, Any]:
    """The facts (questions, help, choices), causes and channels of `kb`, every text in zh and en."""
    return {
        "knowledge_version": kb.version,
        "knowledge_hash": kb.content_hash,
        "facts": [
            {
                "id": f.id,
                "label": f.label.to_dict(),
                "question": f.question.to_dict(),
                "help": f.help.to_dict(),
                "free_text": f.free_text,
                "choices": [{"id": v.id, "label": v.label.to_dict()} for v in f.values],
            }
            for f in kb.facts.values()
        ],
        "causes": [
            {
                "id": c.id,
                "group": c.group,
                "confidence": c.confidence,
                "title": c.title.to_dict(),
                "explanation": c.explanation.to_dict(),
            }
            for c in kb.causes.values()
        ],
        "channels": [
            {"id": c.id, "name": c.name.to_dict(), "detail": c.detail.to_dict()} for c in kb.channels.values()
        ],
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": body}}}


_ERRORS = {
    code: {"$ref": "#/components/responses/Error"} for code in ("400", "404", "405", "409", "413", "415", "422", "500")
}

_TURN = {
    "type": "object",
    "required": ["state", "question", "should_stop", "stop_reason", "diagnosis", "left_open"],
    "properties": {
        "state": _ref("state"),
        "extracted": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
        "mentioned": {
            "type": "array",
            "description": "What the first message was read to say, to show back once (您提到…): fact, value and the "
            "masked words it came from.",
            "items": {
                "type": "object",
                "properties": {"fact": {"type": "string"}, "value": {"type": "string"}, "span": {"type": "string"}},
            },
        },
        "suggested": {
            "type": "object",
            "description": "Facts read with too little confidence to use: offered as the question's default choice.",
            "additionalProperties": {"type": "string"},
        },
        "reply": {
            "type": "object",
            "description": "How the answer was read; kind 'choose' lists the choices to offer (nothing recorded).",
            "properties": {
                "kind": {"enum": ["answer", "dont_know", "later", "choose"]},
                "fact": {"type": "string"},
                "value": {
                    "type": ["string", "null", "array"],
                    "description": "The choice id read, null for 不知道; for a checklist, the choice ids picked.",
                },
                "choices": {"type": "array", "items": {"type": "object"}},
            },
        },
        "question": {"anyOf": [_ref("question"), {"type": "null"}]},
        "should_stop": {"type": "boolean"},
        "stop_reason": {"enum": ["settled", "no_evidence", "cap", None]},
        "diagnosis": {"anyOf": [_ref("diagnosis"), {"type": "null"}], "description": "Set when should_stop."},
        "left_open": {
            "type": "array",
            "items": _ref("question"),
            "description": "When it stopped at the question cap: the (at most 3) questions still worth finding out, "
            "most useful first, to tell the person what would settle it. Empty otherwise.",
        },
    },
}


def _post(summary: str, request: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "requestBody": {"required": True, "content": {"application/json": {"schema": request}}},
            "responses": {"200": _json("OK", response), **_ERRORS},
        }
    }


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props, "additionalProperties": False}


@functools.lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the service."""
    state = {"anyOf": [_ref("state"), {"type": "string", "description": "the state as JSON text"}]}
    answer = {"allOf": [_ref("answer")], "properties": {"state": state}, "required": ["state"]}
    lang = {"enum": ["zh", "en"], "default": "zh"}
    facts = {"type": "object", "additionalProperties": {"type": ["string", "null"]}}
    paths = {
        "/v1/diagnose": _post(
            "Diagnose a set of answers",
            _obj(["facts"], facts=facts, lang=lang),
            _obj(["diagnosis", "sections"], diagnosis=_ref("diagnosis"), sections={"type": "array"}),
        ),
        "/v1/consultations": _post(
            "Start a consultation, prefilled from the first message",
            _obj([], message={"type": "string", "maxLength": 2000}),
            _TURN,
        ),
        "/v1/consultations/answer": _post("Answer the pending question", answer, _TURN),
        "/v1/consultations/result": _post("The diagnosis so far", _obj(["state"], state=state), _ref("diagnosis")),
        "/v1/knowledge": {"get": {"summary": "Facts, causes and channels", "responses": {"200": _json("OK", {})}}},
        "/healthz": {"get": {"summary": "Liveness", "responses": {"200": _json("OK", {"type": "object"})}}},
    }
    error = _obj(
        ["error", "field", "allowed"],
        error={"type": "string"},
        field={"type": ["string", "null"]},
        allowed={"type": ["array", "null"], "items": {"type": "string"}},
    )
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "yibao-diagnose",
            "version": "1",
            "description": "Why a 医保个人账户 balance shows 0, is missing or is low. Stateless: send back the "
            "`state` each response returns.",
        },
        "paths": paths,
        "components": {
            "schemas": {**{name: schema(name) for name in NAMES}, "error": error},
            "responses": {"Error": _json("An error: what was wrong, the field, what is allowed", _ref("error"))},
        },
    }


def docs_html() -> str:
    """A small page listing the endpoints, with a link to the OpenAPI document (no script, no external asset)."""
    rows = "".join(
        f"<tr><td><code>{method.upper()} {path}</code></td><td>{op['summary']}</td></tr>"
        for path, item in document()["paths"].items()
        for method, op in item.items()
    )
    return (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>yibao-diagnose API</title></head><body>'
        "<h1>医保个人账户余额诊断 API / yibao-diagnose</h1>"
        "<p>JSON in, JSON out; send back the <code>state</code> each response returns. "
        '<a href="/openapi.json">OpenAPI 3.1</a></p>'
        f"<table>{rows}</table></body></html>"
    )
