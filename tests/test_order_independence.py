"""The diagnosis does not depend on the order in which the knowledge base lists its rules and facts.

diagnose/semantics.py says an inference is a set of fired rules and derived values, and knowledge/README.md that
"the order in which rules fire cannot change" a score. So a copy of the shipped knowledge base with its lists
shuffled must diagnose every answer set exactly as the original does, on both back-ends:

- each cause's signals and defeaters, each warning's and note's rules, and the conditions inside every rule;
- the facts, the warnings and the notes (the order of their mappings), and the order of the answers given;
- the derived facts, in any order that still lists a derived fact after those it reads.

What stays as written: the order of a derived fact's rules (its value is the first written rule that holds) and,
in the first property, the order of the causes, which breaks ties between equal scores. The second property
shuffles the causes too, and expects the same result up to that tie-break: the same scores and levels in the
same places, the same causes wherever their place does not depend on the tie-break, and tied causes in the
shuffled order.

Signal ids name a signal's written place ("cause#s2") and keep it when shuffled, so evidence is compared as sets.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any, TypeVar

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import diagnose
from diagnose.inference.result import CauseResult, Diagnosis
from diagnose.knowledge.model import KnowledgeBase, Rule

TOLERANCE = 1e-9
ENGINES = ("experta", "compiled", "python")
PROPERTY = settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
"""No shrinking: every step would compile an engine; a failure names its smallest answer set itself."""
PER_SHUFFLE = 30
"""Answer sets diagnosed with each shuffled copy."""
ANSWERED = 14
"""Facts answered at most in one answer set: ties between causes need several causes with evidence at once."""

T = TypeVar("T")


# -- shuffling -----------------------------------------------------------------------------------------------


def _shuffled(items: Sequence[T], rng: random.Random) -> tuple[T, ...]:
    return tuple(rng.sample(list(items), len(items)))


def _mapping(items: Sequence[tuple[str, T]]) -> Mapping[str, T]:
    return MappingProxyType(dict(items))


def _rule(rule: Rule, rng: random.Random) -> Rule:
    return replace(rule, when=_shuffled(rule.when, rng))


def _dependency_order(kb: KnowledgeBase, rng: random.Random) -> list[str]:
    """The derived facts in a random order that lists each one after every derived fact it reads."""
    reads = {d.id: {c.fact for r in d.rules for c in r.when if c.fact in kb.derived} for d in kb.derived.values()}
    out: list[str] = []
    while len(out) < len(reads):
        ready = sorted(f for f, needs in reads.items() if f not in out and needs <= set(out))
        out.append(rng.choice(ready))
    return out


def shuffled_kb(kb: KnowledgeBase, rng: random.Random, *, causes: bool) -> KnowledgeBase:
    """A copy of `kb` with its lists shuffled (see the module docstring); the causes too when `causes`."""
    derived = [
        (f, replace(kb.derived[f], rules=tuple(_rule(r, rng) for r in kb.derived[f].rules)))
        for f in _dependency_order(kb, rng)
    ]
    cause_items = [
        (
            c.id,
            replace(
                c,
                signals=_shuffled([_rule(r, rng) for r in c.signals], rng),
                defeaters=_shuffled([_rule(r, rng) for r in c.defeaters], rng),
            ),
        )
        for c in kb.causes.values()
    ]
    if causes:
        cause_items = list(_shuffled(cause_items, rng))

    def checks(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
        items = [(k, replace(v, rules=_shuffled([_rule(r, rng) for r in v.rules], rng))) for k, v in mapping.items()]
        return _mapping(_shuffled(items, rng))

    return replace(
        kb,
        facts=_mapping(_shuffled(list(kb.facts.items()), rng)),
        derived=_mapping(derived),
        causes=_mapping(cause_items),
        warnings=checks(kb.warnings),
        notes=checks(kb.notes),
    )


def answer_sets(kb: KnowledgeBase) -> st.SearchStrategy[dict[str, str]]:
    """Up to ANSWERED categorical facts answered, the rest unknown."""
    facts = sorted(f.id for f in kb.facts.values() if not f.free_text)
    return st.lists(st.sampled_from(facts), max_size=ANSWERED, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({f: st.sampled_from(kb.facts[f].allowed) for f in chosen})
    )


# -- comparing -----------------------------------------------------------------------------------------------


def _same_cause(got: CauseResult, want: CauseResult) -> list[str]:
    out = []
    if got.status != want.status:
        out.append(f"{got.id} level {got.status} != {want.status}")
    if abs(got.score - want.score) > TOLERANCE:
        out.append(f"{got.id} score {got.score!r} != {want.score!r}")
    evidence, expected = {e.signal for e in got.evidence}, {e.signal for e in want.evidence}
    if evidence != expected:
        out.append(f"{got.id} evidence {sorted(evidence)} != {sorted(expected)}")
    return out


def _messages(result: Diagnosis) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(w.id for w in result.warnings), frozenset(n.id for n in result.notes)


def _shared_differences(got: Diagnosis, want: Diagnosis) -> list[str]:
    """How the causes listed in both differ (level, score, evidence), and the warnings and notes."""
    out = []
    wanted = {c.id: c for c in want.listed}
    for cause in got.listed:
        if cause.id in wanted:
            out.extend(_same_cause(cause, wanted[cause.id]))
    if _messages(got) != _messages(want):
        out.append(f"warnings, notes {_messages(got)} != {_messages(want)}")
    return out


def exact_differences(got: Diagnosis, want: Diagnosis) -> list[str]:
    """How `got` differs from `want` in main and also (ids in order), levels, scores, evidence, warnings, notes."""
    out = []
    for part in ("causes", "also"):
        ids, expected = [c.id for c in getattr(got, part)], [c.id for c in getattr(want, part)]
        if ids != expected:
            scores = {c.id: c.score for c in (*got.listed, *want.listed)}
            out.append(f"{part} {ids} != {expected} (scores {scores})")
    return out + _shared_differences(got, want)


def _tie_groups(listed: Sequence[CauseResult]) -> list[list[CauseResult]]:
    """Runs of consecutive listed causes with the same score (within TOLERANCE) and the same prior."""
    groups: list[list[CauseResult]] = []
    for cause in listed:
        last = groups[-1][-1] if groups else None
        if last is not None and abs(last.score - cause.score) <= TOLERANCE and last.prior == cause.prior:
            groups[-1].append(cause)
        else:
            groups.append([cause])
    return groups


def tie_differences(got: Diagnosis, want: Diagnosis, order: Mapping[str, int]) -> list[str]:
    """How `got` (from a knowledge base with causes in `order`) differs from `want` beyond breaking ties."""
    out = []
    for part in ("causes", "also"):
        mine, theirs = getattr(got, part), getattr(want, part)
        shape = [(c.status, round(c.score, 6)) for c in mine]
        expected = [(c.status, round(c.score, 6)) for c in theirs]
        if len(mine) != len(theirs) or any(
            a.status != b.status or abs(a.score - b.score) > TOLERANCE for a, b in zip(mine, theirs, strict=False)
        ):
            out.append(f"{part}: levels and scores {shape} != {expected}")
    groups, expected_groups = _tie_groups(got.listed), _tie_groups(want.listed)
    # Every tie group but the last one shown is shown whole, so it holds the same causes.
    for mine, theirs in list(zip(groups, expected_groups, strict=False))[:-1]:
        if {c.id for c in mine} != {c.id for c in theirs}:
            out.append(f"tied causes {[c.id for c in mine]} != {[c.id for c in theirs]}")
    for group in groups:
        ids = [c.id for c in group]
        if ids != sorted(ids, key=order.__getitem__):
            out.append(f"tied causes {ids} not in the knowledge base's cause order")
    return out + _shared_differences(got, want)


# -- the properties ------------------------------------------------------------------------------------------

Check = Callable[[Diagnosis, Diagnosis], list[str]]


@pytest.fixture(scope="module")
def original(kb: KnowledgeBase) -> dict[str, diagnose.Diagnoser]:
    """Both back-ends on the shipped knowledge base, as written."""
    return {engine: diagnose.Diagnoser(kb, engine=engine) for engine in ENGINES}


def _smallest(answers: dict[str, str], fails: Callable[[dict[str, str]], bool]) -> dict[str, str]:
    """Drop answers one at a time while `fails` still holds: a minimal answer set for the message."""
    changed = True
    while changed:
        changed = False
        for fact in list(answers):
            fewer = {f: v for f, v in answers.items() if f != fact}
            if fails(fewer):
                answers, changed = fewer, True
                break
    return answers


def _check_shuffle(
    kb: KnowledgeBase,
    original: dict[str, diagnose.Diagnoser],
    *,
    causes: bool,
    check: Callable[[KnowledgeBase], Check],
) -> None:
    """For shuffled copies of `kb` drawn by hypothesis, diagnose drawn answer sets with the copy and with the
    original, on both back-ends, and fail with the smallest answer set that `check(copy)` finds a difference for.

    The property is defined inside, not as a test with fixture arguments: with the `kb` fixture as an argument of
    a @given test, hypothesis 6.170 reports its own FlakyStrategyDefinition when it replays a failure.
    """

    @PROPERTY
    @given(data=st.data())
    def holds(data: st.DataObject) -> None:
        seed = data.draw(st.integers(min_value=0, max_value=2**32 - 1), label="shuffle seed")
        rng = random.Random(seed)
        copy = shuffled_kb(kb, rng, causes=causes)
        compare = check(copy)
        shuffled = {engine: diagnose.Diagnoser(copy, cache_size=0, engine=engine) for engine in ENGINES}
        drawn = data.draw(st.lists(answer_sets(kb), min_size=PER_SHUFFLE, max_size=PER_SHUFFLE), label="answers")
        for answers in drawn:
            for engine in ENGINES:

                def problems(given: dict[str, str], engine: str = engine) -> list[str]:
                    reordered = dict(_shuffled(list(given.items()), rng))
                    return compare(shuffled[engine].diagnose(reordered), original[engine].diagnose(given))

                if problems(answers):
                    smallest = _smallest(answers, lambda a: bool(problems(a)))
                    raise AssertionError(
                        f"{engine} back-end, knowledge base shuffled with random.Random({seed}), answers {smallest}: "
                        + "; ".join(problems(smallest))
                    )

    holds()


@pytest.mark.slow
def test_rule_and_fact_order_do_not_matter(kb: KnowledgeBase, original: dict[str, diagnose.Diagnoser]) -> None:
    """Shuffled rules, conditions, facts, derived facts, warnings, notes and answers: the very same diagnosis."""
    _check_shuffle(kb, original, causes=False, check=lambda copy: exact_differences)


@pytest.mark.slow
def test_cause_order_only_breaks_ties(kb: KnowledgeBase, original: dict[str, diagnose.Diagnoser]) -> None:
    """Shuffled causes as well: the same scores and levels in the same places, and only tied causes reordered,
    into the shuffled knowledge base's order."""

    def check(copy: KnowledgeBase) -> Check:
        order = {c: i for i, c in enumerate(copy.causes)}
        return lambda got, want: tie_differences(got, want, order)

    _check_shuffle(kb, original, causes=True, check=check)


def test_shuffling_keeps_everything_but_the_order(kb: KnowledgeBase) -> None:
    """The shuffled copy holds the same rules (as sets), keeps derived rules in their written order and lists
    every derived fact after the ones it reads, so the properties above test order and nothing else."""
    copy = shuffled_kb(kb, random.Random(1), causes=True)
    assert list(copy.causes) != list(kb.causes)
    for name in ("facts", "derived", "causes", "warnings", "notes"):
        assert set(getattr(copy, name)) == set(getattr(kb, name)), name
    for cause in kb.causes.values():
        mine = copy.causes[cause.id]
        assert {(r.id, frozenset(r.when)) for r in mine.rules} == {(r.id, frozenset(r.when)) for r in cause.rules}
    for derived in kb.derived.values():
        assert [(r.id, frozenset(r.when)) for r in copy.derived[derived.id].rules] == [
            (r.id, frozenset(r.when)) for r in derived.rules
        ]
    placed: set[str] = set()
    for derived in copy.derived.values():
        assert {c.fact for r in derived.rules for c in r.when if c.fact in kb.derived} <= placed, derived.id
        placed.add(derived.id)
