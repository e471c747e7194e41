"""Issue 'Hardening': each failure an adversarial review found, as a test that failed before the fix."""

from __future__ import annotations

import json
import time

import pytest

import diagnose
from diagnose import Consultation, StateError
from diagnose.consult.session import STATE_FORMAT, STATE_MAX_BYTES
from diagnose.render.markdown import _md


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("我没有参加新农合", "insurance_type"),
        ("我从来没有交过职工医保，也不是新农合", "insurance_type"),
        ("I am not on resident insurance", "insurance_type"),
        ("I never checked at an ATM", "query_channel"),
    ],
)
def test_negation_reaches_across_its_clause(text: str, fact: str) -> None:
    """A negation earlier in the clause cancels the phrase (it used to look at two characters only)."""
    assert fact not in diagnose.extract_facts(text)


def test_negation_stops_at_the_clause() -> None:
    """A negation in another clause does not reach the phrase."""
    assert diagnose.extract_facts("没想到，我交的新农合也是0")["insurance_type"] == "resident"


def test_errors_quote_at_most_80_characters_and_keep_no_more() -> None:
    """A 1 MB value gives a short message quickly, and the error keeps no more of it than it shows."""
    start = time.perf_counter()
    with pytest.raises(diagnose.InvalidValueError) as info:
        diagnose.diagnose({"insurance_type": "x" * 1_000_000})
    assert time.perf_counter() - start < 1
    assert len(str(info.value)) < 400 and len(str(info.value.value)) <= 81
    with pytest.raises(diagnose.UnknownFactError) as unknown:
        diagnose.diagnose({"y" * 1_000_000: "x"})
    assert len(str(unknown.value)) < 2000 and len(unknown.value.fact) <= 81


def test_an_oversized_state_is_refused_before_parsing() -> None:
    """A 10 MB state is refused at once, without being parsed."""
    text = json.dumps({"format": STATE_FORMAT, "padding": "x" * 10_000_000})
    start = time.perf_counter()
    with pytest.raises(StateError, match=f"at most {STATE_MAX_BYTES} bytes"):
        Consultation.from_json(text)
    assert time.perf_counter() - start < 0.5


def _state(**changes: object) -> dict[str, object]:
    c = Consultation()
    c.answer("insurance_type", "employee")
    return {**c.to_dict(), **changes}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pending": "insurance_type"}, "pending"),  # answered already: the library never leaves it pending
        ({"pending": "region"}, "pending"),  # a free-text fact is never asked
        ({"prefilled": ["insurance_type", "insurance_type"]}, "prefilled"),
        ({"deferred": ["symptom", "symptom"]}, "deferred"),
        ({"reasked": ["no_such_warning"]}, "reasked"),
    ],
)
def test_forged_states_are_refused_naming_the_field(changes: dict[str, object], field: str) -> None:
    """A well-typed state the library could not have written is refused, and the error names the field."""
    with pytest.raises(StateError, match=field):
        Consultation.from_dict(_state(**changes))


def test_a_state_saved_after_undoing_a_prefilled_answer_restores() -> None:
    """from_text, undo, save, restore: it used to fail with "'prefilled' must list answered facts"."""
    c = Consultation.from_text("我是新农合")
    c.undo()
    restored = Consultation.from_json(c.to_json())
    assert restored.to_dict() == c.to_dict() and restored.next_question() == c.next_question()


def test_transcripts_escape_markup_and_drop_control_characters() -> None:
    """Text written into a Markdown transcript shows literally: links and escape sequences do not pass."""
    assert _md("[点这里](http://x)\x1b[2J") == "\\[点这里\\](http://x)\\[2J"
