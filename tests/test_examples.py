"""Every cause's example cases, kept as data beside the cause, run through the library call."""

from __future__ import annotations

import pytest

import diagnose
from diagnose.model import Example

_KB = diagnose.load_knowledge()
EXAMPLES = [ex for cause in _KB.causes.values() for ex in cause.examples]


@pytest.mark.parametrize("example", EXAMPLES, ids=[ex.name for ex in EXAMPLES])
def test_example(example: Example) -> None:
    """The example's answers give each expected cause with the expected status, and none of the absent ones."""
    result = diagnose.diagnose(dict(example.facts))
    statuses = {c.id: c.status for c in result.causes}
    for cause_id, status in example.expect.items():
        assert statuses.get(cause_id) == status, f"{cause_id}: expected {status}, got {statuses.get(cause_id)}"
    for cause_id in example.absent:
        assert cause_id not in statuses, f"{cause_id} should not be reported"


def test_every_cause_has_two_examples_that_report_it() -> None:
    """Each cause ships at least two example cases, and at least one of them expects the cause itself."""
    for cause in _KB.causes.values():
        assert len(cause.examples) >= 2, cause.id
        assert any(cause.id in ex.expect for ex in cause.examples), cause.id
