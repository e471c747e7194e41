"""Lints a loaded knowledge base for problems the schema cannot see: dead, redundant or conflicting rules.

The checks reason over each rule's input cone: the input facts it reads directly or through derived facts. A
search assigns known values only and lets a derived fact take every value one of its rules concludes, so
"some answers make this hold" is never missed (a conflict, reported on its own, can only widen it).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from .errors import DiagnoseError, Problem
from .model import Cause, Check, Condition, Derived, KnowledgeBase, Rule

if TYPE_CHECKING:
    from .api import Diagnoser

__all__ = ["lint"]

_Values = Mapping[str, frozenset[str]]
_NONE: frozenset[str] = frozenset()


def lint(kb: KnowledgeBase, *, diagnoser: Diagnoser | None = None) -> list[Problem]:
    """Return every problem found in `kb`, each with its file and the place in it (empty when clean).

    Checks: rules that can never fully hold (unreachable causes, warnings and notes); rules made redundant by a
    looser rule of the same owner; input facts no rule reads; derived facts whose rules can conclude two values
    for the same answers; causes without sources or with fewer than two example cases; example cases whose
    expectation does not hold.

    Args:
        kb: a loaded knowledge base.
        diagnoser: runs the example cases; by default a fresh, uncached Diagnoser for `kb`.

    Returns:
        The problems, in the order of the checks above.
    """
    return [
        *_unreachable(kb),
        *_subsumed(kb),
        *_unused_facts(kb),
        *_conflicts(kb),
        *_citations(kb),
        *_examples(kb, diagnoser),
    ]


# -- where a rule lives ------------------------------------------------------------------------------------


def _where(kb: KnowledgeBase, rule: Rule) -> tuple[str, str]:
    """The file and place of a rule, named as the loader names them."""
    n = int(rule.id.rsplit("#", 1)[1])
    if rule.kind == "cause":
        return f"causes/{rule.owner}.toml", f"rule[{n}]"
    if rule.kind == "derived":
        return "derived.toml", f"derived ({rule.owner}).rule[{n}]"
    checks = kb.warnings if rule.kind == "warning" else kb.notes
    i = list(checks).index(rule.owner) + 1
    return "checks.toml", f"{rule.kind}[{i}] ({rule.owner}).rule[{n}]"


def _problem(kb: KnowledgeBase, rule: Rule, message: str) -> Problem:
    return Problem(*_where(kb, rule), message)


# -- searching a rule's input cone -------------------------------------------------------------------------


def _inputs(kb: KnowledgeBase, conditions: Iterable[Condition]) -> list[str]:
    """The input facts that `conditions` read, directly or through derived facts, in vocabulary order."""
    found: set[str] = set()
    pending = [c.fact for c in conditions]
    while pending:
        fact = pending.pop()
        if fact in kb.derived:
            pending.extend(c.fact for r in kb.derived[fact].rules for c in r.when)
        else:
            found.add(fact)
    return [f for f in kb.facts if f in found]


def _possible(kb: KnowledgeBase, answers: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Each fact's possible values: the answer itself, or every value a holding derived rule concludes."""
    values = {f: frozenset((v,)) for f, v in answers.items()}
    for derived in kb.derived.values():  # in dependency order
        values[derived.id] = frozenset(r.value for r in derived.rules if _holds(r.when, values))  # type: ignore[misc]
    return values


def _holds(conditions: Iterable[Condition], values: _Values) -> bool:
    return all(values.get(c.fact, _NONE) & c.allowed for c in conditions)


def _assignments(kb: KnowledgeBase, conditions: tuple[Condition, ...]) -> Iterator[dict[str, str]]:
    """Every assignment of known values to the input cone of `conditions` that could make them all hold.

    An input fact read directly only takes the values its conditions allow (others make them false).
    """
    facts = _inputs(kb, conditions)
    domains = []
    for f in facts:
        allowed = set(kb.facts[f].allowed)
        for c in conditions:
            if c.fact == f:
                allowed &= c.allowed
        domains.append([v for v in kb.facts[f].allowed if v in allowed])
    for combo in itertools.product(*domains):
        yield dict(zip(facts, combo))


def _witness(kb: KnowledgeBase, *rules: Rule) -> dict[str, str] | None:
    """Answers under which every one of `rules` fully holds, or None when there are none."""
    conditions = tuple(c for r in rules for c in r.conditions)
    for answers in _assignments(kb, conditions):
        values = _possible(kb, answers)
        if all(_holds(r.conditions, values) for r in rules):
            return answers
    return None


# -- the checks --------------------------------------------------------------------------------------------


def _unreachable(kb: KnowledgeBase) -> Iterator[Problem]:
    owners: list[Cause | Check] = [*kb.causes.values(), *kb.warnings.values(), *kb.notes.values()]
    for owner in owners:
        dead = [r for r in owner.rules if _witness(kb, r) is None]
        for rule in dead:
            kind = rule.kind
            tail = ""
            if len(dead) == len(owner.rules):
                tail = f"; {kind} {owner.id!r} can never be " + ("confirmed" if kind == "cause" else "shown")
            yield _problem(kb, rule, f"no answers make every condition hold (unreachable){tail}")


def _implies(strict: Rule, loose: Rule) -> bool:
    """Every condition of `loose` holds whenever the condition of `strict` on the same fact holds."""
    mine = {c.fact: c.allowed for c in strict.conditions}
    return all(c.fact in mine and mine[c.fact] <= c.allowed for c in loose.conditions)


def _subsumed(kb: KnowledgeBase) -> Iterator[Problem]:
    """A rule is redundant when a looser rule of the same owner (and value) holds whenever it does.

    For a cause, the looser rule must also read every `when` fact of the stricter one as a signal, so that it is
    possible whenever the stricter one is: only then does the stricter rule add nothing in three-valued logic.
    """
    owners: list[Derived | Cause | Check] = [
        *kb.derived.values(),
        *kb.causes.values(),
        *kb.warnings.values(),
        *kb.notes.values(),
    ]
    for owner in owners:
        rules = owner.rules
        for j, strict in enumerate(rules):
            for i, loose in enumerate(rules):
                if i == j or strict.value != loose.value or not _implies(strict, loose):
                    continue
                if _implies(loose, strict) and i > j:
                    continue  # two identical rules: report the later one only
                if strict.kind == "cause" and not {c.fact for c in strict.when} <= {c.fact for c in loose.when}:
                    continue
                _, place = _where(kb, loose)
                yield _problem(kb, strict, f"redundant: {place} holds whenever this rule does")
                break


def _unused_facts(kb: KnowledgeBase) -> Iterator[Problem]:
    read = {c.fact for r in kb.rules() for c in r.conditions}
    for i, fact in enumerate(kb.facts.values(), 1):
        if not fact.free_text and fact.id not in read:
            yield Problem("facts.toml", f"fact[{i}] ({fact.id})", "no rule reads this fact")


def _conflicts(kb: KnowledgeBase) -> Iterator[Problem]:
    for derived in kb.derived.values():
        for (i, first), (j, second) in itertools.combinations(enumerate(derived.rules, 1), 2):
            if first.value == second.value:
                continue
            answers = _witness(kb, first, second)
            if answers is not None:
                shown = ", ".join(f"{k}={v}" for k, v in answers.items())
                yield _problem(
                    kb,
                    second,
                    f"conflicts with rule[{i}]: both hold for {shown}, concluding "
                    f"{first.value!r} and {second.value!r}",
                )


def _citations(kb: KnowledgeBase) -> Iterator[Problem]:
    for cause in kb.causes.values():
        rel = f"causes/{cause.id}.toml"
        if not cause.sources:
            yield Problem(rel, "sources", "a cause must cite at least one source")
        if len(cause.examples) < 2:
            yield Problem(rel, "example", f"needs at least 2 example cases, has {len(cause.examples)}")


def _examples(kb: KnowledgeBase, diagnoser: Diagnoser | None) -> Iterator[Problem]:
    if diagnoser is None:
        from .api import Diagnoser as _Diagnoser

        diagnoser = _Diagnoser(kb, cache_size=0)
    for cause in kb.causes.values():
        for i, example in enumerate(cause.examples, 1):
            where = (f"causes/{cause.id}.toml", f"example[{i}] ({example.name})")
            try:
                result = diagnoser.diagnose(dict(example.facts))
            except DiagnoseError as exc:
                yield Problem(*where, f"cannot be diagnosed: {exc}")
                continue
            got = {c.id: c.status for c in result.causes}
            for other, status in example.expect.items():
                if got.get(other) != status:
                    yield Problem(*where, f"expects {other} {status}, got {got.get(other) or 'not reported'}")
            for other in example.absent:
                if other in got:
                    yield Problem(*where, f"expects {other} absent, got {got[other]}")
