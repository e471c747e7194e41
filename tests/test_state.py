"""Saved consultations: JSON round trips at every turn, and clear errors for bad or foreign states."""

from __future__ import annotations

import json
from typing import Any

import pytest

import diagnose
from diagnose import Consultation, StateError
from diagnose.knowledge.model import Example

_KB = diagnose.load_knowledge()
EXAMPLES = [ex for cause in _KB.causes.values() for ex in cause.examples]


@pytest.mark.parametrize("example", EXAMPLES[::3], ids=[ex.name for ex in EXAMPLES[::3]])
def test_round_trip_at_every_turn(example: Example) -> None:
    """A conversation saved to JSON and restored after every message ends exactly like an uninterrupted one."""
    straight = Consultation()
    asked = []
    while (q := straight.next_question()) is not None:
        asked.append(q.id)
        straight.answer(q.id, q.answer_from(example.facts))

    state = json.dumps(Consultation.from_text(example.story or "").to_dict())
    restored_asked = []
    while True:
        c = Consultation.from_dict(json.loads(state))
        q = c.next_question()
        if q is None:
            break
        state = json.dumps(c.to_dict())  # the server forgets everything between messages
        c = Consultation.from_dict(json.loads(state))
        value = example.facts.get(q.id)
        c.answer_text(str(q.allowed.index(value) + 1) if value else "不知道")
        restored_asked.append(q.id)
        state = json.dumps(c.to_dict())
    final = Consultation.from_dict(json.loads(state))
    assert final.result() == diagnose.diagnose(final.answers)
    if not example.story:
        assert restored_asked == asked and final.result() == straight.result()


def test_pending_question_survives() -> None:
    """The question a user is answering is still pending after a round trip."""
    c = Consultation()
    q = c.next_question()
    assert q is not None
    restored = Consultation.from_dict(json.loads(json.dumps(c.to_dict())))
    assert restored.answer_text("1").fact == q.id


def _good() -> dict[str, Any]:
    c = Consultation()
    c.answer("insurance_type", "employee")
    c.answer("symptom", None)
    return c.to_dict()


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda s: [1, 2], "JSON object"),
        (lambda s: {**s, "format": "v0"}, "format"),
        (lambda s: {**s, "knowledge_version": 20261129}, "knowledge_version"),
        (lambda s: {**s, "knowledge_hash": ["c85f"]}, "knowledge_hash"),
        (lambda s: {k: v for k, v in s.items() if k != "knowledge_version"}, "knowledge base"),
        (lambda s: {**s, "answers": "insurance_type=employee"}, "answers"),
        (lambda s: {**s, "answers": [["insurance_type"]]}, "pair"),
        (lambda s: {**s, "answers": [["insurance_type", "rural"]]}, "rural"),
        (lambda s: {**s, "answers": [["insurence_type", "employee"]]}, "insurance_type"),
        (lambda s: {**s, "answers": [["retired", "yes"], ["retired", "no"]]}, "twice"),
        (lambda s: {**s, "pending": "nope"}, "pending"),
        (lambda s: {**s, "prefilled": ["own_spending"]}, "prefilled"),
    ],
)
def test_bad_state_is_refused(mutate: Any, needle: str) -> None:
    """Malformed or foreign states raise StateError naming what is wrong."""
    with pytest.raises(StateError, match=needle):
        Consultation.from_dict(mutate(_good()))


def test_state_is_versioned() -> None:
    """The saved state names the knowledge-base version."""
    assert _good()["knowledge_version"] == _KB.version
