"""Lints a loaded knowledge base for problems the schema cannot see.

The reachability checks search each rule's input cone (diagnose.semantics.cone): every assignment of known
values to the input facts it reads, directly or through derived facts, evaluated with the one semantics of
diagnose.semantics, so "some answers make this hold" is decided exactly.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from diagnose.inference import semantics
from diagnose.errors import DiagnoseError, Problem
from diagnose.knowledge.model import MAINTAINER_ONLY, Cause, Check, Condition, Derived, KnowledgeBase, Rule, Source

if TYPE_CHECKING:
    from diagnose.api import Diagnoser

__all__ = ["example_problems", "examples", "lint", "shown_text", "structural"]

_TEXT_FACTS = ("insurance_type", "query_channel", "symptom")
"""The facts whose values a cause's text names and its signals must use (and the reverse)."""


def lint(kb: KnowledgeBase, *, diagnoser: Diagnoser | None = None) -> list[Problem]:
    """Return every problem found in `kb`, each with its file and the place in it (empty when clean): the
    structural checks (`structural`, which `load` also runs) and the examples (`examples`).

    The examples are diagnosed by `diagnoser`, by default the compiled back-end with no cache: the examples test
    the knowledge, and the back-ends give equal diagnoses (tests/test_compiled.py, tests/test_exhaustive.py).
    experta's time per diagnosis grows with the number of rules, so with it `check` would grow with the square of
    the knowledge base (BENCHMARKS.md, "Growth")."""
    return [*structural(kb), *examples(kb, diagnoser=diagnoser)]


def structural(kb: KnowledgeBase) -> list[Problem]:
    """The checks that need no engine (about 15 ms), run by `load` too, so the library never starts on a
    knowledge base that `check` rejects: rules that can never fire (and causes that can never be listed);
    derived-fact and check rules made redundant by a looser rule of the same owner; input facts no rule reads;
    derived facts whose rules can conclude two values for the same answers; a cause's text naming an insurance
    type, channel or symptom that no signal uses, or a signal for one its text never names."""
    return [
        *_unreachable(kb),
        *_subsumed(kb),
        *_unused_facts(kb),
        *_conflicts(kb),
        *_text_vs_signals(kb),
        *_citizen_sources(kb),
    ]


def examples(kb: KnowledgeBase, *, diagnoser: Diagnoser | None = None) -> list[Problem]:
    """Every example case, check example and reply example whose expectation does not hold."""
    return [*_examples(kb, diagnoser), *_reply_examples(kb)]


def _where(rule: Rule) -> Source:
    """Where a rule is written, as the loader recorded it; a rule made in memory is named by its id."""
    return rule.source if rule.source is not None else Source("", rule.id)


def _problem(rule: Rule, message: str) -> Problem:
    where = _where(rule)
    return Problem(where.file, where.place, message, line=where.line)


def _assignments(kb: KnowledgeBase, conditions: tuple[Condition, ...]) -> Iterator[dict[str, str]]:
    """Every assignment of known values to the input cone of `conditions` (direct conditions narrow it)."""
    facts = [f for f in kb.facts if f in semantics.cone(kb, conditions)]
    domains = []
    for f in facts:
        allowed = set(kb.facts[f].allowed)
        for c in conditions:
            if c.fact == f:
                allowed &= c.allowed
        domains.append([v for v in kb.facts[f].allowed if v in allowed])
    for combo in itertools.product(*domains):
        yield dict(zip(facts, combo))


def _witness(kb: KnowledgeBase, rules: Iterable[Rule], unless: Iterable[Rule] = ()) -> dict[str, str] | None:
    """Answers under which every one of `rules` fires and none of `unless` does, or None when there are none."""
    rules, unless = tuple(rules), tuple(unless)
    conditions = tuple(c for r in rules for c in r.when)
    for answers in _assignments(kb, conditions):
        values = {**answers, **{f: v for f, (v, _) in semantics.derive(kb, answers).items()}}
        if all(semantics.fires(r, values) for r in rules) and not any(semantics.fires(r, values) for r in unless):
            return answers
    return None


def _unreachable(kb: KnowledgeBase) -> Iterator[Problem]:
    owners: list[Derived | Cause | Check] = [*kb.derived.values(), *kb.causes.values(), *kb.warnings.values()]
    for owner in [*owners, *kb.notes.values()]:
        for rule in owner.rules:
            if _witness(kb, [rule]) is None:
                yield _problem(rule, "no answers make every condition hold (unreachable)")
        if isinstance(owner, Cause):
            positive = [r for r in owner.signals if r.weight > 0]
            if not any(_witness(kb, [r], owner.defeaters) is not None for r in positive):
                yield Problem(f"causes/{owner.id}.toml", "signal", "the cause can never be listed: a defeater holds "
                              "whenever a supporting signal does")


def _implies(strict: Rule, loose: Rule) -> bool:
    """Every condition of `loose` holds whenever the condition of `strict` on the same fact holds."""
    mine = {c.fact: c.allowed for c in strict.when}
    return all(c.fact in mine and mine[c.fact] <= c.allowed for c in loose.when)


def _subsumed(kb: KnowledgeBase) -> Iterator[Problem]:
    """A derived-fact, warning or note rule is redundant when a looser rule of the same owner holds whenever it
    does. (Signals add up, so a narrower signal beside a broader one is extra evidence, not redundancy.)"""
    owners: list[Derived | Check] = [*kb.derived.values(), *kb.warnings.values(), *kb.notes.values()]
    for owner in owners:
        rules = owner.rules
        for j, strict in enumerate(rules):
            for i, loose in enumerate(rules):
                if i == j or strict.value != loose.value or not _implies(strict, loose):
                    continue
                if _implies(loose, strict) and i > j:
                    continue  # two identical rules: report the later one only
                place = _where(loose).place
                yield _problem(strict, f"redundant: {place} holds whenever this rule does")
                break


def _unused_facts(kb: KnowledgeBase) -> Iterator[Problem]:
    read = {c.fact for r in kb.rules() for c in r.when}
    for i, fact in enumerate(kb.facts.values(), 1):
        if not fact.free_text and fact.id not in read:
            yield Problem("facts.toml", f"fact[{i}] ({fact.id})", "no rule reads this fact")


def _conflicts(kb: KnowledgeBase) -> Iterator[Problem]:
    for derived in kb.derived.values():
        for (i, first), (j, second) in itertools.combinations(enumerate(derived.rules, 1), 2):
            if first.value == second.value:
                continue
            conditions = first.when + second.when
            for answers in _assignments(kb, conditions):
                values = {**answers, **{f: v for f, (v, _) in semantics.derive(kb, answers).items()}}
                if semantics.fires(first, values) and semantics.fires(second, values):
                    shown = ", ".join(f"{k}={v}" for k, v in answers.items())
                    yield _problem(
                        second,
                        f"conflicts with rule[{i}]: both hold for {shown}, concluding "
                        f"{first.value!r} and {second.value!r}",
                    )
                    break


def _input_values(kb: KnowledgeBase, condition: Condition) -> set[tuple[str, str]]:
    """The (input fact, value) pairs a condition reads, following derived facts to the answers they come from."""
    if condition.fact in kb.facts:
        return {(condition.fact, v) for v in condition.allowed}
    out: set[tuple[str, str]] = set()
    for rule in kb.derived[condition.fact].rules:
        if rule.value in condition.allowed:
            for inner in rule.when:
                out |= _input_values(kb, inner)
    return out


def _citizen_sources(kb: KnowledgeBase) -> Iterator[Problem]:
    """What a citizen sees cites policy documents and official channels only: no seed file, no web address, no
    document number that could not be verified ("no. from memory")."""
    for cause in kb.causes.values():
        rel = f"causes/{cause.id}.toml"
        if not cause.citizen_sources:
            yield Problem(rel, "citizen_sources", "a cause needs at least one source a citizen can be shown")
        for i, source in enumerate(cause.citizen_sources, 1):
            for said in (source.zh, source.en):
                if MAINTAINER_ONLY.search(said):
                    yield Problem(rel, f"citizen_sources[{i}]", f"not for citizens (seed file, URL or unverified number): {said!r}")


def _text_vs_signals(kb: KnowledgeBase) -> Iterator[Problem]:
    """The cause's own text (title and explanation) and its signals must speak of the same situations.

    A value is named when one of its `terms` (facts.toml) appears in the Chinese text. Every named value of the
    facts in _TEXT_FACTS must be read by some signal or defeater; every positive signal on such a fact must
    have at least one of its values named.
    """
    for cause in kb.causes.values():
        text = cause.title.zh + cause.explanation.zh
        rel = f"causes/{cause.id}.toml"
        read: set[tuple[str, str]] = set()
        for rule in cause.rules:
            for c in rule.when:
                read |= _input_values(kb, c)
        for fact_id in _TEXT_FACTS:
            fact = kb.facts.get(fact_id)
            if fact is None:
                continue
            for value in fact.values:
                term = next((t for t in value.terms if t in text), None)
                if term is not None and (fact_id, value.id) not in read:
                    yield Problem(rel, "explanation", f"the text names {term!r} ({fact_id}={value.id}) but no signal "
                                  "or defeater reads it")
        for rule in cause.signals:
            if rule.weight <= 0:
                continue
            for c in rule.when:
                if c.fact not in _TEXT_FACTS or c.fact not in kb.facts:
                    continue
                fact = kb.facts[c.fact]
                if not any(t in text for v in fact.values if v.id in c.allowed for t in v.terms):
                    yield _problem(rule, f"supports the cause on {c.fact}={'/'.join(sorted(c.allowed))}, "
                                  "which the cause's title and explanation never mention")


def _examples(kb: KnowledgeBase, diagnoser: Diagnoser | None) -> Iterator[Problem]:
    if diagnoser is None:
        from diagnose.api import Diagnoser as _Diagnoser

        diagnoser = _Diagnoser(kb, cache_size=0, engine="compiled")
    for kind, checks in (("warning", kb.warnings), ("note", kb.notes)):
        for n, check in enumerate(checks.values(), 1):
            for j, (name, facts) in enumerate(check.examples, 1):
                place = f"{kind}[{n}] ({check.id}).example[{j}] ({name})"
                try:
                    result = diagnoser.diagnose(dict(facts))
                except DiagnoseError as exc:
                    yield Problem("checks.toml", place, f"cannot be diagnosed: {exc}")
                    continue
                raised = {m.id for m in (*result.warnings, *result.notes)}
                if check.id not in raised:
                    yield Problem("checks.toml", place, f"expects {kind} {check.id} to be raised, got {sorted(raised)}")
    for cause in kb.causes.values():
        for i, example in enumerate(cause.examples, 1):
            where = example.source or Source(f"causes/{cause.id}.toml", f"example[{i}] ({example.name})")
            file, place, line = where.file, where.place, where.line
            try:
                result = diagnoser.diagnose(dict(example.facts))
            except DiagnoseError as exc:
                yield Problem(file, place, f"cannot be diagnosed: {exc}", line=line)
                continue
            problems = example_problems(result, example.top, example.expect, example.absent)
            shown = shown_text(kb, result)
            problems += [f"the result should say {w!r} but does not" for w in example.says if w not in shown]
            problems += [f"the result must not say {w!r} but does" for w in example.never_says if w in shown]
            yield from (Problem(file, place, m, line=line) for m in problems)


def shown_text(kb: KnowledgeBase, result: Any) -> str:
    """The Chinese a person reads for `result`: the first cause in full, the others' titles, the warnings, the
    notes and the fallback (as diagnose.render.sections lays them out)."""
    whose = result.facts.get("viewing_whose")
    texts = [m.text for m in (*result.warnings, *result.notes)]
    for i, listed in enumerate(result.listed):
        cause = listed.cause
        texts.append(cause.title)
        if i == 0:
            texts += [cause.explanation, *cause.verify, *cause.steps]
    if result.fallback is not None:
        texts += [result.fallback.title, result.fallback.explanation, *result.fallback.steps]
    return "\n".join(kb.replies.personal(t, whose).zh for t in texts)


def _reply_examples(kb: KnowledgeBase) -> Iterator[Problem]:
    """Each example of replies.toml is read as it says (diagnose.consult.reader)."""
    from diagnose.consult.reader import TextMatcher

    matcher = TextMatcher(kb)
    for i, (fact_id, text, kind, value) in enumerate(kb.replies.examples, 1):
        place = f"example[{i}] ({fact_id}: {text!r})"
        fact = kb.facts.get(fact_id)
        if fact is None:
            yield Problem("replies.toml", place, f"unknown fact {fact_id!r}")
            continue
        reply = matcher.match_reply(fact, text)
        if (reply.kind, reply.value) != (kind, value):
            yield Problem("replies.toml", place, f"expects {kind} {value or ''}, got {reply.kind} {reply.value or ''}")


def example_problems(result: object, top: str | None, expect: Iterable[str], absent: Iterable[str]) -> list[str]:
    """What is wrong with `result` (a Diagnosis) against an example's expectations; empty when it holds."""
    main = [c.id for c in result.causes]  # type: ignore[attr-defined]
    listed = {c.id: c.status for c in result.listed}  # type: ignore[attr-defined]
    out = []
    if top is not None and main[:1] != [top]:
        out.append(f"expects {top} first, got {main[0] if main else 'nothing listed'}")
    for cause in expect:
        if cause not in main:
            where = f"only under also worth checking ({listed[cause]})" if cause in listed else "not listed"
            out.append(f"expects {cause} among the main causes {main}, got {where}")
    for cause in absent:
        if cause in listed:
            out.append(f"expects {cause} not listed, got {listed[cause]}")
    return out
