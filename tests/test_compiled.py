"""The compiled back-end (diagnose/inference/compiled.py) gives the experta back-end's diagnosis."""

from __future__ import annotations

import random

import pytest

import diagnose
from diagnose.inference import compiled, semantics
from diagnose.knowledge.model import KnowledgeBase


def test_every_example_case_gives_the_experta_diagnosis(kb: KnowledgeBase) -> None:
    """On every worked example of the knowledge base, the compiled Diagnosis equals experta's in every field."""
    experta = diagnose.Diagnoser(kb, cache_size=0)
    fast = diagnose.Diagnoser(kb, cache_size=0, engine="compiled")
    examples = [(ex.name, dict(ex.facts)) for cause in kb.causes.values() for ex in cause.examples]
    assert examples
    for name, facts in examples:
        assert fast.diagnose(facts).to_dict() == experta.diagnose(facts).to_dict(), name


def test_inference_equals_the_semantics_on_random_answers(kb: KnowledgeBase) -> None:
    """On answer sets drawn over the whole vocabulary, compiled.infer returns what semantics.infer returns."""
    rng = random.Random(15)
    facts = [f for f in kb.facts.values() if not f.free_text]
    for _ in range(500):
        answers: dict[str, str | None] = {f.id: rng.choice(sorted(f.allowed)) for f in facts if rng.random() < 0.5}
        answers.update({f.id: None for f in facts if f.id not in answers and rng.random() < 0.1})
        assert compiled.infer(kb, answers) == semantics.infer(kb, answers), answers


def test_the_engine_option_reaches_diagnose_and_consultation(kb: KnowledgeBase) -> None:
    """diagnose(engine=...) and Consultation(engine=...) run the compiled back-end; an unknown engine is refused."""
    facts = {"insurance_type": "employee", "query_channel": "bank"}
    assert diagnose.diagnose(facts, engine="compiled") == diagnose.diagnose(facts)
    assert diagnose.Consultation(engine="compiled").diagnoser.engine == "compiled"
    with pytest.raises(ValueError, match="engine must be one of"):
        diagnose.Diagnoser(kb, engine="clips")
    with pytest.raises(ValueError, match="differs"):
        diagnose.Consultation(diagnose.Diagnoser(kb), engine="compiled")


def test_remembered_standings_give_the_ranking_scored_afresh(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`conclude` looks each moved cause's standing up by the rules of its own that fired; on random answers the
    ranking equals one scored from scratch with `score_cause`, also while the memory is forgotten every few
    entries."""
    monkeypatch.setattr(semantics, "_STANDINGS", 7)
    rng = random.Random(16)
    facts = [f for f in kb.facts.values() if not f.free_text]
    for _ in range(300):
        answers = {f.id: rng.choice(sorted(f.allowed)) for f in facts if rng.random() < 0.5}
        inference = compiled.infer(kb, answers)
        ranking = semantics.conclude(kb, inference)
        afresh = {c: semantics.score_cause(kb, c, inference.fired) for c in kb.causes}
        assert dict(ranking.scores) == afresh and list(ranking.scores) == list(kb.causes), answers
        listed = [s for s in afresh.values() if s.supported and s.probability >= kb.scale.list_min]
        listed.sort(key=lambda s: (-s.score, -s.prior, list(kb.causes).index(s.cause)))
        assert [s.cause for s in ranking.listed] == [s.cause for s in listed][: len(ranking.listed)], answers
        assert len(semantics._plan(kb).standing) <= 7
