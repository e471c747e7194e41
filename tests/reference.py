"""A plain-Python reading of the knowledge base's rules, used only to verify the back-ends.

It follows diagnose/inference/semantics.py's module docstring and knowledge/README.md ("Evidence") literally, and
shares no code with diagnose.inference (semantics, engine, compiler, result) or diagnose.consult.planner: it reads
the KnowledgeBase model objects and nothing else.

- A condition is true when its fact is known and takes an allowed value, false when the fact is known and takes
  another value, and unknown when nobody answered it (or the derived fact was not inferred).
- Derived facts are inferred to a fixpoint, in no particular order (here: reverse alphabetical, not the loader's
  dependency order). Two rules of one derived fact that both hold and conclude different values are a Conflict.
  The rule credited for a derived value is the first written rule that holds once nothing changes any more.
- Signals, defeaters, warnings and notes fire when every condition is true; an unknown fact never fires one.
- A cause's score is the prior's log-odds plus the weights of its signals that fired, summed exactly
  (math.fsum, so the order of the terms cannot matter and equal sums are equal). A defeater that fired makes its
  probability 0; otherwise the probability is the logistic of the score. Its level is the highest level whose
  minimum the probability reaches.
- A cause is listed when it is not defeated, a signal with a positive weight fired and its probability reaches the
  listing floor `scale.list_min`. Listed causes are ranked by
  score, then prior log-odds (both descending), then the order of the causes in the knowledge base. The main
  causes are the first `scale.main` ranked ones, the first always and the others only from `scale.main_min` on;
  "also" are the next listed ones not in main, at most `scale.also`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from diagnose.knowledge.model import Condition, KnowledgeBase, Rule

__all__ = ["CauseVerdict", "Conflict", "Reference", "Verdict", "logistic", "truth"]


class Conflict(Exception):
    """Two rules of one derived fact fully hold and conclude different values."""


def truth(condition: Condition, values: Mapping[str, str]) -> bool | None:
    """True, False, or None (unknown) for one condition under known `values`."""
    if condition.fact not in values:
        return None
    return values[condition.fact] in condition.allowed


def _holds(rule: Rule, values: Mapping[str, str]) -> bool:
    """Every condition of `rule` is true (an unknown one is not)."""
    return all(truth(condition, values) is True for condition in rule.when)


def logistic(score: float) -> float:
    """1 / (1 + e^-score), without overflow for large negative scores."""
    if score < 0:
        z = math.exp(score)
        return z / (1.0 + z)
    return 1.0 / (1.0 + math.exp(-score))


def _log_odds(p: float) -> float:
    return math.log(p) - math.log1p(-p)


@dataclass(frozen=True)
class CauseVerdict:
    """One cause under the reference semantics."""

    id: str
    prior: float
    """The prior's log-odds."""
    score: float
    probability: float
    level: str
    fired: tuple[str, ...]
    """The ids of the cause's signals that fired, in the order written."""
    defeated: bool
    listed: bool


@dataclass(frozen=True)
class Verdict:
    """What the rules conclude for one answer set."""

    causes: Mapping[str, CauseVerdict]
    main: tuple[str, ...]
    also: tuple[str, ...]
    warnings: tuple[str, ...]
    """The warnings that hold, in knowledge-base order."""
    notes: tuple[str, ...]
    derived: Mapping[str, tuple[str, str]]
    """Each inferred derived fact -> (its value, the id of the credited rule)."""
    fired: frozenset[str]
    """Every signal, defeater, warning and note rule that fired."""

    @property
    def listed(self) -> tuple[str, ...]:
        """The main causes, then the ones also worth checking."""
        return self.main + self.also


class Reference:
    """The reference evaluator for one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._position = {cause: i for i, cause in enumerate(kb.causes)}

    def infer(self, answers: Mapping[str, str | None]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
        """Return (the known answers plus every derived value, derived fact -> (value, credited rule id)).

        Raises:
            Conflict: two rules of one derived fact hold and conclude different values.
        """
        values = {f: v for f, v in answers.items() if v is not None}
        pending = sorted(self.kb.derived, reverse=True)  # any order: the fixpoint must not depend on it
        changed = True
        while changed:
            changed = False
            for fact in pending:
                if fact in values:
                    continue
                holding = [r for r in self.kb.derived[fact].rules if _holds(r, values)]
                if holding:
                    assert holding[0].value is not None
                    values[fact] = holding[0].value
                    changed = True
        # Values only ever get added, so a rule that held on the way still holds now: check the fixpoint.
        credited: dict[str, tuple[str, str]] = {}
        for fact, derived in self.kb.derived.items():
            holding = [r for r in derived.rules if _holds(r, values)]
            concluded = {r.value for r in holding}
            if len(concluded) > 1:
                shown = {f: v for f, v in answers.items() if v is not None}
                raise Conflict(f"{fact}: rules {[r.id for r in holding]} conclude {sorted(concluded)} for {shown}")
            if holding:
                first = holding[0]
                assert first.value is not None and values.get(fact) == first.value
                credited[fact] = (first.value, first.id)
            else:
                assert fact not in values
        return values, credited

    def _level(self, probability: float) -> str:
        reached = [lv for lv in self.kb.scale.levels if lv.min <= probability]
        return max(reached, key=lambda lv: lv.min).id

    def evaluate(self, answers: Mapping[str, str | None]) -> Verdict:
        """Every cause's standing, the listed causes, and the warnings and notes that hold for these answers."""
        kb = self.kb
        values, credited = self.infer(answers)
        fired: set[str] = set()
        causes: dict[str, CauseVerdict] = {}
        for cause in kb.causes.values():
            signals = [r for r in cause.signals if _holds(r, values)]
            defeated = any(_holds(r, values) for r in cause.defeaters)
            fired.update(r.id for r in signals)
            fired.update(r.id for r in cause.defeaters if _holds(r, values))
            prior = _log_odds(cause.prior)
            score = math.fsum([prior, *(r.weight for r in signals)])
            probability = 0.0 if defeated else logistic(score)
            listed = not defeated and any(r.weight > 0 for r in signals) and probability >= kb.scale.list_min
            fired_ids = tuple(r.id for r in signals)
            level = self._level(probability)
            causes[cause.id] = CauseVerdict(cause.id, prior, score, probability, level, fired_ids, defeated, listed)

        ranked = sorted(
            (c for c in causes.values() if c.listed),
            key=lambda c: (-c.score, -c.prior, self._position[c.id]),
        )
        scale = kb.scale
        main = ranked[:1] + [c for c in ranked[1 : scale.main] if c.probability >= scale.main_min]
        also = [c for c in ranked if c not in main][: scale.also]

        def holding(checks: Sequence) -> tuple[str, ...]:  # type: ignore[type-arg]
            out = []
            for check in checks:
                hits = [r.id for r in check.rules if _holds(r, values)]
                fired.update(hits)
                if hits:
                    out.append(check.id)
            return tuple(out)

        warnings = holding(list(kb.warnings.values()))
        notes = holding(list(kb.notes.values()))
        return Verdict(
            causes=causes,
            main=tuple(c.id for c in main),
            also=tuple(c.id for c in also),
            warnings=warnings,
            notes=notes,
            derived=credited,
            fired=frozenset(fired),
        )
