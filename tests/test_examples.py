"""The knowledge base's example cases, kept as data beside each cause, run through the library call."""

from __future__ import annotations

import pytest

import diagnose
from diagnose.knowledge.lint import example_problems, shown_text
from diagnose.knowledge.model import Example

_KB = diagnose.load_knowledge()
EXAMPLES = [ex for cause in _KB.causes.values() for ex in cause.examples]


@pytest.mark.parametrize("example", EXAMPLES, ids=[ex.name for ex in EXAMPLES])
def test_example(example: Example) -> None:
    """The example's `top` cause ranks first, its `expect` causes are main causes, its `absent` ones unlisted."""
    result = diagnose.diagnose(dict(example.facts))
    assert example_problems(result, example.top, example.expect, example.absent) == []
    shown = shown_text(_KB, result)
    assert [w for w in example.says if w not in shown] == []
    assert [w for w in example.never_says if w in shown] == []


def test_every_cause_has_examples_that_name_it() -> None:
    """Each cause ships at least two example cases, and at least one of them expects the cause itself."""
    for cause in _KB.causes.values():
        assert len(cause.examples) >= 2, cause.id
        assert any(cause.id in (ex.top, *ex.expect) for ex in cause.examples), cause.id


def test_the_expectation_check_can_fail() -> None:
    """example_problems reports a wrong first cause, a missing main cause and a cause that should be absent."""
    result = diagnose.diagnose({"insurance_type": "employee", "query_channel": "bank"})
    first = result.causes[0].id
    other = next(c for c in _KB.causes if c != first)
    problems = example_problems(result, other, [other], [first])
    assert len(problems) == 3, problems


def test_wording_examples_cover_the_groups_the_rules_reach() -> None:
    """Retirees, relatives, switchers and heirs each have an example whose wording the tests check."""
    worded = [ex for cause in _KB.causes.values() for ex in cause.examples if ex.says or ex.never_says]
    assert any(ex.facts.get("retired") == "yes" and "恢复缴费" in ex.never_says for ex in worded)
    assert any(ex.facts.get("withdrawn_or_closed") == "death" and "继承" in ex.says for ex in worded)
    assert any(ex.facts.get("prior_employee_account") == "yes" for ex in worded)
    assert any(ex.facts.get("viewing_whose") == "family_member" for ex in worded)


def test_the_wording_check_can_fail() -> None:
    """shown_text holds what a person reads, so a word the screen shows is found and one it lacks is not."""
    result = diagnose.diagnose({"withdrawn_or_closed": "death", "viewing_whose": "family_member"})
    shown = shown_text(_KB, result)
    assert "继承" in shown and "恢复缴费" not in shown and "或您要查的家人" not in shown
