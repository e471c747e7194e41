"""Turns the knowledge base's rules into an experta KnowledgeEngine class: the one place that knows both.

Working memory holds one `Answers` fact (a field per input fact, None when unknown) and one `Inferred` fact per
derived fact. Rules chain in three strata, kept apart by salience:

1. derived-fact rules (salience above 1000, earlier rules higher) fire when every condition holds; the first
   conclusion about a fact stands;
2. once none can fire, one rule (salience 900) sets every derived fact still unset to None (unknown). That is
   sound because derived-fact rules only match values that are set, never unknown ones;
3. cause, warning and note rules (salience 0) read the settled facts.

Cause rules match when no condition is false (a None value passes) and classify themselves three-valued in
their action; warning and note rules match only when every condition holds.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ._compat import import_experta
from .model import Condition, KnowledgeBase, Rule

__all__ = ["Outcome", "compile_engine", "input_fields"]

Status = Literal["confirmed", "possible", "holds"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one rule concluded: its status, the conditions that held and the ones still unknown."""

    rule: str
    status: Status
    held: tuple[tuple[str, str], ...]
    unknown: tuple[str, ...]


def input_fields(kb: KnowledgeBase) -> tuple[str, ...]:
    """The input facts some rule reads: the fields of the `Answers` fact."""
    used = {c.fact for r in kb.rules() for c in r.conditions if c.fact in kb.facts}
    return tuple(f for f in kb.facts if f in used)


def compile_engine(kb: KnowledgeBase) -> type:
    """Return a KnowledgeEngine subclass whose rules are compiled from `kb`.

    Before each run, set `outcomes` to an empty list (run fills it with Outcome) and `settled` to an empty
    set. The classes `Answers` and `Inferred` are attributes, to declare facts with.
    """
    experta = import_experta()
    fact_base, p, match = experta.Fact, experta.P, experta.MATCH

    class Answers(fact_base):  # type: ignore[misc, valid-type]
        """The person's answers; a field per input fact, None when unknown."""

    class Inferred(fact_base):  # type: ignore[misc, valid-type]
        """A derived fact: id, value (None when unknown) and the rule that set it."""

    @functools.cache
    def test(fact: str, allowed: frozenset[str], tolerant: bool) -> Any:
        # One field test per distinct condition, so rules with the same condition share the Rete's test nodes.
        check = p(lambda v: v is None or v in allowed) if tolerant else p(lambda v: v in allowed)
        return getattr(match, fact) & check

    def patterns(conditions: Iterable[Condition], tolerant: bool) -> list[Any]:
        """One Answers pattern for the input conditions, one Inferred pattern per derived condition."""
        fields, out = {}, []
        for c in conditions:
            check = test(c.fact, c.allowed, tolerant)
            if c.fact in kb.facts:
                fields[c.fact] = check
            else:
                out.append(Inferred(id=c.fact, value=check))
        return ([Answers(**fields)] if fields else []) + out

    def settle(engine: Any, fact: str, value: str | None, rule: str | None) -> None:
        # The first conclusion about a derived fact stands; `settled` (cleared by Engine.run) records which
        # facts have one, so a second rule for the same fact, or the unknown-filler, adds nothing.
        if fact not in engine.settled:
            engine.settled.add(fact)
            engine.declare(Inferred(id=fact, value=value, rule=rule))

    def derive(rule: Rule) -> Callable[..., None]:
        def action(engine: Any, **_: Any) -> None:
            settle(engine, rule.owner, rule.value, rule.id)

        return action

    def unknown_rest(engine: Any) -> None:
        for fact in kb.derived:
            settle(engine, fact, None, None)

    def classify(rule: Rule) -> Callable[..., None]:
        given = tuple(c.fact for c in rule.given)
        when = tuple(c.fact for c in rule.when)
        every = given + when

        def action(engine: Any, **bound: Any) -> None:
            unknown = tuple(f for f in every if bound[f] is None)
            if not unknown:
                status: Status = "confirmed"
            elif any(bound[f] is not None for f in when):
                status = "possible"
            else:
                return
            held = tuple((f, bound[f]) for f in every if bound[f] is not None)
            engine.outcomes.append(Outcome(rule.id, status, held, unknown))

        return action

    def holds(rule: Rule) -> Callable[..., None]:
        facts = tuple(c.fact for c in rule.when)

        def action(engine: Any, **bound: Any) -> None:
            engine.outcomes.append(Outcome(rule.id, "holds", tuple((f, bound[f]) for f in facts), ()))

        return action

    attrs: dict[str, Any] = {"Answers": Answers, "Inferred": Inferred}
    for d in kb.derived.values():
        for i, rule in enumerate(d.rules):
            # Earlier rules first, so the rule credited for a derived fact does not depend on firing order.
            attrs[f"derive_{rule.id}"] = experta.Rule(*patterns(rule.when, tolerant=False), salience=1100 - i)(
                derive(rule)
            )
    # Derived-fact rules only ever read facts that some rule has set, never unknown ones, so once none of them
    # can fire any more, every derived fact still unset is unknown, all at once.
    attrs["derived_unknown"] = experta.Rule(salience=900)(unknown_rest)
    for cause in kb.causes.values():
        for rule in cause.rules:
            attrs[f"cause_{rule.id}"] = experta.Rule(*patterns(rule.conditions, tolerant=True))(classify(rule))
    for check in (*kb.warnings.values(), *kb.notes.values()):
        for rule in check.rules:
            attrs[f"{check.kind}_{rule.id}"] = experta.Rule(*patterns(rule.when, tolerant=False))(holds(rule))
    return type("CompiledEngine", (experta.KnowledgeEngine,), attrs)
