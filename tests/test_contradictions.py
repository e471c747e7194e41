"""Every contradiction of domain.md §6.1 is flagged, and consistent answers raise no warning."""

from __future__ import annotations

import pytest

import diagnose
from diagnose.knowledge.model import Check, KnowledgeBase

_KB = diagnose.load_knowledge()
CASES = [
    (check, name, facts) for check in (*_KB.warnings.values(), *_KB.notes.values()) for name, facts in check.examples
]
"""Every [[warning.example]] and [[note.example]] of knowledge/checks.toml."""


@pytest.mark.parametrize(("check", "name", "facts"), CASES, ids=[f"{c.id}:{n}" for c, n, _ in CASES])
def test_example_raises_its_check(check: Check, name: str, facts: dict[str, str]) -> None:
    """The example's answers raise the warning or note; a warning names facts to ask again and the answers
    that clash."""
    result = diagnose.diagnose(dict(facts))
    found = {m.id: m for m in (*result.warnings, *result.notes)}
    assert check.id in found
    assert found[check.id].because
    if check.kind == "warning":
        assert check.recheck


def test_every_check_has_an_example(kb: KnowledgeBase) -> None:
    """Each warning and note of the knowledge base ships at least one example."""
    assert all(c.examples for c in (*kb.warnings.values(), *kb.notes.values()))


@pytest.mark.parametrize(
    "facts",
    [
        {
            "insurance_type": "employee",
            "contribution_status": "paying",
            "symptom": "went_to_zero",
            "own_spending": "yes",
        },
        {"insurance_type": "resident", "query_channel": "wechat_alipay", "symptom": "always_zero"},
        {"insurance_type": "flexible_employee", "flexible_tier": "pool_only", "symptom": "always_zero"},
        {"retired": "yes", "retiree_years_met": "no", "insurance_type": "employee"},
    ],
)
def test_consistent_answers_raise_no_warning(facts: dict[str, str]) -> None:
    """Ordinary, consistent situations produce no warning."""
    assert diagnose.diagnose(facts).warnings == ()
