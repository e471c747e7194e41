"""What the consultation plans with: the evidence ranking in plain Python, and the value of each question.

The consultation weighs every candidate answer many times per turn, far too often to run the experta engine
each time, so it evaluates the same semantics (diagnose.semantics) directly. The diagnosis shown to the person
always comes from the chosen back-end; tests check that the two agree.

**Value of a question** (knowledge/README.md, "Choosing questions"). The causes still in play form a belief
π_c ∝ e^score (the few most likely by name, the rest as one "other" share). An answer v to a question is as
likely under cause c as its weights say: P(v | c) ∝ share(v) · e^(score_c(v) − score_c), where share(v) is how
often people give that answer (the fact's `typical`) and score_c(v) the cause's score once v is known; an answer
that defeats c has P(v | c) = 0. The value of asking is the expected information gain about π,
H(π) − Σ_v P(v) H(π | v), times the chance that the person can answer (1 − the fact's `dont_know`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from diagnose.inference import semantics
from diagnose.knowledge.model import KnowledgeBase

__all__ = ["Planner", "Snapshot"]

_FOCUS = 24
"""How many of the most likely causes the belief names; the others share one "other" entry."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The ranking for some answers, and the warnings that hold."""

    ranking: semantics.Ranking
    warnings: frozenset[str]

    def signature(self) -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
        """What a consultation compares: the main causes in order with their level, and the warnings."""
        return tuple((s.cause, s.level.id) for s in self.ranking.main), self.warnings

    def state(self, cause: str) -> str:
        """The cause's level id when listed, "excluded" when defeated, else "open"."""
        score = self.ranking.scores[cause]
        if score.defeated_by is not None:
            return "excluded"
        return score.level.id if score.supported else "open"


class Planner:
    """Evaluates answers against one knowledge base, and knows which input facts each cause depends on."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.fact_order = {f: i for i, f in enumerate(kb.facts)}
        """Input fact -> its place in facts.toml, the question order used to break ties."""
        self.cause_inputs = {c.id: semantics.cone(kb, (x for r in c.rules for x in r.when)) for c in kb.causes.values()}
        """Cause -> every input fact its signals and defeaters read."""

        # Inference and scores are pure functions of the answers: one run per answer set serves the snapshot, the
        # fired rules and the scores alike.
        self._infer = functools.lru_cache(maxsize=1 << 12)(self._infer_uncached)
        self._scores = functools.lru_cache(maxsize=1 << 15)(self._scores_uncached)
        # Values are a pure function of the answers: the first question of every consultation (no answers yet)
        # is computed once per knowledge base, and common paths after it are too.
        self._value = functools.lru_cache(maxsize=1 << 15)(self._value_uncached)

    def _infer_uncached(self, key: frozenset[tuple[str, str]]) -> semantics.Inference:
        return semantics.infer(self.kb, dict(key))

    def snapshot(self, answers: Mapping[str, str]) -> Snapshot:
        """Evaluate every cause and warning for these answers."""
        inference = self._infer(frozenset(answers.items()))
        warnings = frozenset(w.id for w in self.kb.warnings.values() if any(r.id in inference.fired for r in w.rules))
        return Snapshot(semantics.conclude(self.kb, inference), warnings)

    def fired(self, answers: Mapping[str, str]) -> frozenset[str]:
        """The ids of the signals, defeaters, warnings and notes that fire for these answers."""
        return self._infer(frozenset(answers.items())).fired

    def _scores_uncached(self, key: frozenset[tuple[str, str]]) -> dict[str, float | None]:
        return semantics.scores(self.kb, self._infer(key))

    def scores(self, answers: Mapping[str, str]) -> dict[str, float | None]:
        """Each cause's score for these answers; None when a defeater rules it out. Cached."""
        return self._scores(frozenset(answers.items()))

    def belief(self, answers: Mapping[str, str]) -> tuple[dict[str, float], float]:
        """π over the most likely causes still in play, and the share of all the others (see the module doc)."""
        scores = {c: s for c, s in self.scores(answers).items() if s is not None}
        if not scores:
            return {}, 1.0
        top = max(scores.values())
        odds = {c: math.exp(s - top) for c, s in scores.items()}
        total = sum(odds.values())
        named = sorted(odds, key=lambda c: -odds[c])[:_FOCUS]
        belief = {c: odds[c] / total for c in named}
        return belief, max(0.0, 1.0 - sum(belief.values()))

    def value(self, answers: Mapping[str, str], fact_id: str) -> float:
        """The expected information gain of asking `fact_id` (nats), discounted by 不知道 (see the module doc)."""
        return self._value(frozenset(answers.items()), fact_id)

    def _value_uncached(self, key: frozenset[tuple[str, str]], fact_id: str) -> float:
        answers = dict(key)
        fact = self.kb.facts[fact_id]
        belief, other = self.belief(answers)
        if not belief:
            return 0.0
        now = self.scores(answers)
        after = {v: self.scores({**answers, fact_id: v}) for v in fact.allowed}
        likelihood: dict[str, dict[str, float]] = {}
        for c in belief:
            raw = {}
            for v in fact.allowed:
                score = after[v][c]
                raw[v] = 0.0 if score is None else fact.share(v) * math.exp(min(50.0, score - (now[c] or 0.0)))
            total = sum(raw.values())
            likelihood[c] = (
                {v: x / total for v, x in raw.items()} if total else {v: fact.share(v) for v in fact.allowed}
            )
        expected = 0.0
        for v in fact.allowed:
            joint = {c: p * likelihood[c][v] for c, p in belief.items()}
            rest = other * fact.share(v)
            pv = sum(joint.values()) + rest
            if pv > 0:
                expected += pv * _entropy([*(x / pv for x in joint.values()), rest / pv])
        gain = _entropy([*belief.values(), other]) - expected
        return max(0.0, gain) * (1.0 - fact.dont_know)

    def candidates(self, answers: Mapping[str, str]) -> set[str]:
        """The input facts that the causes still in play read."""
        belief, _ = self.belief(answers)
        return {f for c in belief for f in self.cause_inputs[c]}


def _entropy(ps: Iterable[float]) -> float:
    return -sum(p * math.log(p) for p in ps if p > 0)
