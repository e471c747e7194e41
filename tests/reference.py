"""A plain-Python reading of the knowledge base's rules, used only to verify the experta engine.

It follows knowledge/README.md literally and shares no code with diagnose._engine, diagnose._compiler or
diagnose._logic: it reads the KnowledgeBase model objects and nothing else.

- A condition is true when its fact is known and takes an allowed value, false when the fact is known and takes
  another value, and unknown when nobody answered it (or the derived fact was not inferred).
- A derived fact is set only when one of its rules fully holds; otherwise it is unknown. Derived facts are
  inferred to a fixpoint, in no particular order; two rules concluding different values is a Conflict.
- A cause rule is confirmed when every condition holds, possible when none is false, some are unknown and at
  least one `when` condition holds; a cause takes the best status of its rules.
- A warning or a note holds when every condition of one of its rules holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from diagnose.model import Condition, KnowledgeBase

__all__ = ["Conflict", "Reference", "Verdict"]


class Conflict(Exception):
    """Two rules of one derived fact fully hold and conclude different values."""


@dataclass(frozen=True)
class Verdict:
    """What the rules conclude: each cause's status (None when not reported), the warnings and notes that hold."""

    causes: Mapping[str, str | None]
    warnings: frozenset[str]
    notes: frozenset[str]

    def statuses(self) -> frozenset[tuple[str, str]]:
        """The reported causes as (cause id, status) pairs."""
        return frozenset((c, s) for c, s in self.causes.items() if s is not None)


def truth(condition: Condition, values: Mapping[str, str]) -> bool | None:
    """True, False, or None (unknown) for one condition under known `values`."""
    value = values.get(condition.fact)
    if value is None:
        return None
    return value in condition.allowed


def _all_true(conditions: Iterable[Condition], values: Mapping[str, str]) -> bool:
    return all(truth(c, values) is True for c in conditions)


class Reference:
    """The reference evaluator for one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def infer(self, answers: Mapping[str, str | None]) -> dict[str, str]:
        """Return the known answers plus every derived fact that some rule of it fully sets.

        Raises:
            Conflict: two rules of one derived fact hold and conclude different values.
        """
        values = {f: v for f, v in answers.items() if v is not None}
        changed = True
        while changed:
            changed = False
            for derived in self.kb.derived.values():
                concluded = {r.value for r in derived.rules if _all_true(r.when, values)}
                if len(concluded) > 1:
                    raise Conflict(f"{derived.id}: rules conclude {sorted(concluded)} for {dict(answers)}")
                if concluded and derived.id not in values:
                    values[derived.id] = concluded.pop()  # conditions only ever gain values: it stays set
                    changed = True
        return values

    def evaluate(self, answers: Mapping[str, str | None]) -> Verdict:
        """Return each cause's status and the warnings and notes that hold for these answers."""
        values = self.infer(answers)
        causes: dict[str, str | None] = {}
        for cause in self.kb.causes.values():
            statuses = set()
            for rule in cause.rules:
                given = [truth(c, values) for c in rule.given]
                when = [truth(c, values) for c in rule.when]
                if False in given or False in when:
                    continue
                if None not in given and None not in when:
                    statuses.add("confirmed")
                elif True in when:
                    statuses.add("possible")
            causes[cause.id] = (
                "confirmed" if "confirmed" in statuses else "possible" if "possible" in statuses else None
            )

        def holding(checks: Iterable) -> frozenset[str]:  # type: ignore[type-arg]
            return frozenset(c.id for c in checks if any(_all_true(r.when, values) for r in c.rules))

        return Verdict(causes, holding(self.kb.warnings.values()), holding(self.kb.notes.values()))
