"""Results are shared through the cache, so every value a caller receives is immutable or a fresh copy."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

import diagnose

FACTS = {"insurance_type": "employee", "query_channel": "nhsa_app", "symptom": "went_to_zero", "own_spending": "yes"}


def _attack(result: diagnose.Diagnosis) -> None:
    """Try every change the types allow; each must fail or touch only a copy."""
    with pytest.raises(TypeError):
        result.facts["insurance_type"] = "resident"  # type: ignore[index]
    for obj in (result, result.causes[0], result.causes[0].evidence[0], result.causes[0].cause, *result.notes[:1]):
        field = dataclasses.fields(obj)[0].name
        with pytest.raises((dataclasses.FrozenInstanceError, AttributeError, TypeError)):
            setattr(obj, field, None)
    assert isinstance(result.causes, tuple) and isinstance(result.causes[0].evidence, tuple)
    assert isinstance(result.causes[0].cause.steps, tuple)
    data = result.to_dict()
    data["facts"]["insurance_type"] = "resident"
    data["causes"].clear()
    with pytest.raises(TypeError):
        result.causes[0].cause.examples[0].facts["symptom"] = "always_zero"  # type: ignore[index]


def test_a_caller_cannot_change_what_the_next_caller_gets() -> None:
    """Mutating a result every way its types allow leaves the next caller's result as it was."""
    baseline = diagnose.Diagnoser(diagnose.load_knowledge(), cache_size=0).diagnose(FACTS).to_dict()
    _attack(diagnose.diagnose(FACTS))
    assert diagnose.diagnose(FACTS).to_dict() == baseline


def test_across_threads() -> None:
    """Eight threads attacking the shared cached result, then everyone still sees the same answer."""
    baseline = diagnose.diagnose(FACTS).to_dict()

    def work(_: int) -> dict[str, object]:
        result = diagnose.diagnose(FACTS)
        _attack(result)
        return diagnose.diagnose(FACTS).to_dict()

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(r == baseline for r in pool.map(work, range(64)))
