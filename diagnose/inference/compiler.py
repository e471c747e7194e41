"""Turns the knowledge base's rules into an experta KnowledgeEngine class: the one place that knows both.

Working memory holds one `Answers` fact (a field per input fact, None when unknown) and one `Inferred` fact per
derived fact. Rules chain in strata kept apart by salience, so that the result never depends on the order in
which experta fires rules of equal salience (diagnose.semantics says what the rules mean):

1. derived-fact rules, deepest-last (see `semantics.depths`) and, within one fact, in the order written; the
   first conclusion about a fact stands, so the credited rule is the first written one that holds;
2. once none can fire, one rule (salience 900) sets every derived fact still unset to None (unknown). That is
   sound because derived-fact rules only match values that are set, never unknown ones;
3. signal, defeater, warning and note rules (salience 0) read the settled facts and fire when every condition
   holds; each adds its id to the run's `fired` set. The ranking is computed from that set afterwards.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from diagnose._compat import import_experta
from diagnose.inference.semantics import depths
from diagnose.knowledge.model import Condition, KnowledgeBase, Rule

__all__ = ["compile_engine", "input_fields"]


def input_fields(kb: KnowledgeBase) -> tuple[str, ...]:
    """The input facts some rule reads: the fields of the `Answers` fact."""
    used = {c.fact for r in kb.rules() for c in r.conditions if c.fact in kb.facts}
    return tuple(f for f in kb.facts if f in used)


def compile_engine(kb: KnowledgeBase) -> type:
    """Return a KnowledgeEngine subclass whose rules are compiled from `kb`.

    Before each run, set `fired` and `settled` to empty sets; run fills `fired` with the ids of the rules that
    fired. The classes `Answers` and `Inferred` are attributes, to declare facts with.
    """
    experta = import_experta()
    fact_base, p, match = experta.Fact, experta.P, experta.MATCH

    class Answers(fact_base):  # type: ignore[misc, valid-type]
        """The person's answers; a field per input fact, None when unknown."""

    class Inferred(fact_base):  # type: ignore[misc, valid-type]
        """A derived fact: id, value (None when unknown) and the rule that set it."""

    @functools.cache
    def test(fact: str, allowed: frozenset[str]) -> Any:
        # One field test per distinct condition, so rules with the same condition share the Rete's test nodes.
        return getattr(match, fact) & p(lambda v: v in allowed)

    def patterns(conditions: Iterable[Condition]) -> list[Any]:
        """One Answers pattern for the input conditions, one Inferred pattern per derived condition."""
        fields, out = {}, []
        for c in conditions:
            check = test(c.fact, c.allowed)
            if c.fact in kb.facts:
                fields[c.fact] = check
            else:
                out.append(Inferred(id=c.fact, value=check))
        return ([Answers(**fields)] if fields else []) + out

    def derive(rule: Rule) -> Callable[..., None]:
        def action(engine: Any, **_: Any) -> None:
            _settle(engine, Inferred, rule.owner, rule.value, rule.id)

        return action

    def unknown_rest(engine: Any) -> None:
        for fact in kb.derived:
            _settle(engine, Inferred, fact, None, None)

    base = experta.KnowledgeEngine

    def get_deffacts(engine: Any) -> list[Any]:
        # experta looks its DefFacts up with inspect.getmembers at every reset; the class never changes.
        cached: list[Any] | None = engine.__dict__.get("_deffacts")
        if cached is None:
            cached = engine.__dict__["_deffacts"] = list(base.get_deffacts(engine))
        return cached

    attrs: dict[str, Any] = {
        "Answers": Answers,
        "Inferred": Inferred,
        "get_activations": _get_activations,
        "get_deffacts": get_deffacts,
    }
    depth = depths(kb)
    for d in kb.derived.values():
        for i, rule in enumerate(d.rules):
            salience = 100_000 - 1000 * depth[d.id] - i
            attrs[f"derive_{rule.id}"] = experta.Rule(*patterns(rule.when), salience=salience)(derive(rule))
    # Derived-fact rules only ever read facts that some rule has set, never unknown ones, so once none of them
    # can fire any more, every derived fact still unset is unknown, all at once.
    attrs["derived_unknown"] = experta.Rule(salience=900)(unknown_rest)
    for rule in kb.rules():
        if rule.kind != "derived":
            attrs[f"{rule.kind}_{rule.id}"] = experta.Rule(*patterns(rule.when))(_record(rule))
    return type("CompiledEngine", (base,), attrs)


def _get_activations(engine: Any) -> tuple[list[Any], list[Any]]:
    """experta's `get_activations` (ReteMatcher.changes), minus work that cannot find anything.

    experta asks every rule's conflict-set node for its news at every cycle. Most cycles fire a signal rule, which
    only records its id: no fact was declared or retracted, and a node's news come only from a fact reaching it,
    so there is nothing to collect. When facts did change, only the nodes holding news are emptied. The
    activations and their order are experta's own (tests/test_compiled.py and tests/test_exhaustive.py hold the
    diagnoses equal to the compiled back-end's); BENCHMARKS.md has the figures."""
    adding, deleting = engine.facts.changes
    added: list[Any] = []
    removed: list[Any] = []
    if not adding and not deleting:
        return added, removed
    # What ReteMatcher.changes does, asking only the conflict sets that hold news.
    matcher = engine.matcher
    for fact in deleting:
        matcher.root_node.remove(fact)
    for fact in adding:
        matcher.root_node.add(fact)
    for node in matcher._get_conflict_set_nodes():
        if node.added:
            added.extend(node.added)
            node.added = set()
        if node.removed:
            removed.extend(node.removed)
            node.removed = set()
    return added, removed


def _settle(engine: Any, inferred: type, fact: str, value: str | None, rule: str | None) -> None:
    """Declare a derived fact's value. The first conclusion about a fact stands: `settled` records which facts
    have one, so a second rule for the same fact, or the unknown-filler, adds nothing."""
    if fact not in engine.settled:
        engine.settled.add(fact)
        engine.declare(inferred(id=fact, value=value, rule=rule))


def _record(rule: Rule) -> Callable[..., None]:
    """The action of a signal, defeater, warning or note rule: note that it fired."""

    def action(engine: Any, **_: Any) -> None:
        engine.fired.add(rule.id)

    return action
