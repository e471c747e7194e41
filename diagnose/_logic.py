"""Three-valued evaluation of the knowledge base's rule structure, for planning questions.

The consultation must weigh every candidate answer in well under 10 ms, far too often to run the experta
engine each time, so it reads the same rules directly: the semantics of knowledge/README.md (a condition on an
unknown fact is unknown; derived facts are set only by a rule that fully holds). The diagnosis itself always
comes from the engine; tests check that the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .model import KnowledgeBase, Rule

__all__ = ["Planner", "Snapshot"]

_Conds = tuple[tuple[str, frozenset[str]], ...]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Each cause's status ("confirmed", "possible" or None), the causes ruled out, and the warnings that hold.

    A cause with status None is either still open or ruled out (in `excluded`): every one of its rules has a
    false condition.
    """

    causes: Mapping[str, str | None]
    excluded: frozenset[str]
    warnings: frozenset[str]

    def state(self, cause: str) -> str:
        """"confirmed", "possible", "open" or "excluded"."""
        return self.causes[cause] or ("excluded" if cause in self.excluded else "open")

    def signature(self) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
        """What a consultation compares: reported causes with their status, and the warnings."""
        return frozenset((c, s) for c, s in self.causes.items() if s), self.warnings


def _conds(rule: Rule) -> tuple[_Conds, _Conds]:
    return (
        tuple((c.fact, c.allowed) for c in rule.given),
        tuple((c.fact, c.allowed) for c in rule.when),
    )


class Planner:
    """Evaluates answers against one knowledge base, and knows which input facts each cause depends on."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._derived = [
            (d.id, [(r.value or "", tuple((c.fact, c.allowed) for c in r.when)) for r in d.rules])
            for d in kb.derived.values()
        ]
        self._causes = [(c.id, [_conds(r) for r in c.rules]) for c in kb.causes.values()]
        self._warnings = [
            (w.id, [tuple((c.fact, c.allowed) for c in r.when) for r in w.rules]) for w in kb.warnings.values()
        ]
        inputs: dict[str, frozenset[str]] = {}  # derived fact -> the input facts it is inferred from
        for d in kb.derived.values():
            inputs[d.id] = frozenset(
                f for r in d.rules for c in r.when for f in (inputs.get(c.fact) or {c.fact})
            )
        self.fact_order = {f: i for i, f in enumerate(kb.facts)}
        """Input fact -> its place in facts.toml, the question order used to break ties."""
        self.cause_inputs = {
            c.id: frozenset(f for r in c.rules for cond in r.conditions for f in inputs.get(cond.fact, {cond.fact}))
            for c in kb.causes.values()
        }
        """Cause -> every input fact its rules read."""

    def values(self, answers: Mapping[str, str]) -> dict[str, str]:
        """Answers plus every derived fact that can be inferred from them."""
        values = dict(answers)
        for fact, rules in self._derived:
            for value, when in rules:
                if all(values.get(f) in allowed for f, allowed in when):
                    values[fact] = value
                    break
        return values

    def snapshot(self, answers: Mapping[str, str]) -> Snapshot:
        """Evaluate every cause and warning for these answers."""
        values = self.values(answers)
        causes: dict[str, str | None] = {}
        excluded = set()
        for cause, rules in self._causes:
            statuses = [_status(given, when, values) for given, when in rules]
            if "confirmed" in statuses:
                causes[cause] = "confirmed"
            elif "possible" in statuses:
                causes[cause] = "possible"
            else:
                causes[cause] = None
                if all(s == "false" for s in statuses):
                    excluded.add(cause)
        warnings = frozenset(
            w for w, rules in self._warnings if any(all(values.get(f) in a for f, a in r) for r in rules)
        )
        return Snapshot(causes, frozenset(excluded), warnings)


def _status(given: _Conds, when: _Conds, values: Mapping[str, str]) -> str | None:
    """"confirmed", "possible", "false" (a condition is false) or None (open, with no evidence)."""
    unknown = False
    for f, allowed in given:
        v = values.get(f)
        if v is None:
            unknown = True
        elif v not in allowed:
            return "false"
    evidence = False
    for f, allowed in when:
        v = values.get(f)
        if v is None:
            unknown = True
        elif v not in allowed:
            return "false"
        else:
            evidence = True
    if not unknown:
        return "confirmed"
    return "possible" if evidence else None
