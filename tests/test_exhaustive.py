"""Both back-ends against the reference evaluator, over every answer combination that can matter.

The full product over the categorical facts (unknown counted as a value) is far too large, so the answer space is
enumerated per group of interacting facts. Every combination below leaves all other facts unknown.

The engine space runs through three evaluators: the experta back-end (`Diagnoser(kb, cache_size=0)`, ~4 ms a
run with the shipped knowledge base), the compiled back-end (`engine="compiled"`), the plain-Python back-end
(`engine="python"`) and tests/reference.py. It holds:

- per signal, defeater, warning and note rule: every combination (including unknown) of the input facts the rule
  reads directly; an input fact the rule reads only through derived facts takes one value per class of values
  that those derived rules tell apart (plus unknown), the member of the class drawn with a fixed seed. Without
  this grouping a rule on real_shortfall multiplies its direct facts by that fact's whole input cone;
- per derived fact: every combination of the input facts it is inferred from (no grouping);
- every worked example's answers;
- per pair of causes whose signals and defeaters read a common input fact: the grouped combinations over both
  causes' rules, all of them when there are at most PAIR_SAMPLE, otherwise PAIR_SAMPLE drawn with the seed;
- RANDOM_SAMPLE answer sets over the whole vocabulary (each fact unknown half of the time), drawn with the seed,
  so that many causes compete for the main and "also" places at once.

The wide space runs only through the compiled and Python back-ends and the reference (under a millisecond
together): every combination over each rule's full input cone without grouping, WIDE_PAIR_SAMPLE combinations of
values per pair of causes sharing an input fact, and WIDE_RANDOM_SAMPLE answer sets over the whole vocabulary. The
experta runs are what the sample sizes above are set by: the file should stay well under a minute on two cores.

Checked on every combination: the back-ends and the reference agree (main causes in order, "also", levels,
scores within 1e-9, the signals that fired for each listed cause, warnings, notes), the back-ends give equal
`to_dict()`s, a diagnosis lists a cause or else (and only then) carries the fallback, and each derived fact
behind an explanation is credited to the first written rule that holds. The compiled and Python back-ends'
inference records (every derived value with its credited rule, every rule that fired) equal the reference's
everywhere, and the
experta back-end's on the per-rule, per-derived-fact and example part of the engine space (one more experta run
each). Over the engine space: every cause is listed for some answer set.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import pytest
from reference import Reference, Verdict

import diagnose
from diagnose.inference.result import CauseResult, Diagnosis, Reason
from diagnose.knowledge.model import KnowledgeBase, Rule

SEED = 20240611
PAIR_SAMPLE = 12
"""Grouped combinations per pair of causes sharing an input fact that all three evaluators run, at most."""
RANDOM_SAMPLE = 400
"""Answer sets over the whole vocabulary that all three evaluators run, for the ranking among many causes."""
WIDE_PAIR_SAMPLE = 60
"""Combinations per pair of causes sharing an input fact that the Python back-end and the reference run, at most."""
WIDE_RANDOM_SAMPLE = 3000
"""Answer sets over the whole vocabulary that the Python back-end and the reference run."""
TOLERANCE = 1e-9

Combo = tuple[tuple[str, str], ...]
"""Known answers, sorted by fact id; every fact not listed is unknown."""

SUMMARY: dict[str, object] = {}
"""How many combinations were checked and how long it took (filled by the fixtures, printed by conftest.py)."""


# -- the answer space ----------------------------------------------------------------------------------------


def _derived_cone(kb: KnowledgeBase, facts: Iterable[str]) -> list[Rule]:
    """The rules of every derived fact reached from `facts`, through any depth of derived facts."""
    rules: list[Rule] = []
    seen: set[str] = set()
    pending = [f for f in facts if f in kb.derived]
    while pending:
        fact = pending.pop()
        if fact not in seen:
            seen.add(fact)
            rules.extend(kb.derived[fact].rules)
            pending.extend(c.fact for r in kb.derived[fact].rules for c in r.when if c.fact in kb.derived)
    return rules


def input_cone(kb: KnowledgeBase, rules: Iterable[Rule]) -> list[str]:
    """The input facts `rules` read, directly or through derived facts, in vocabulary order."""
    rules = list(rules)
    cone = _derived_cone(kb, (c.fact for r in rules for c in r.when))
    read = {c.fact for r in (*rules, *cone) for c in r.when}
    return [f for f in kb.facts if f in read]


def _classes(kb: KnowledgeBase, rules: Sequence[Rule]) -> dict[str, list[list[str]]]:
    """Each input fact of `rules` -> its value classes: single values for a fact read directly, and for a fact
    read only through derived facts the groups of values that every derived condition treats alike."""
    direct = {c.fact for r in rules for c in r.when if c.fact in kb.facts}
    derived_rules = _derived_cone(kb, (c.fact for r in rules for c in r.when))
    out: dict[str, list[list[str]]] = {}
    for fact in input_cone(kb, rules):
        if fact in direct:
            out[fact] = [[v] for v in kb.facts[fact].allowed]
            continue
        conds = [c.allowed for r in derived_rules for c in r.when if c.fact == fact]
        groups: dict[tuple[bool, ...], list[str]] = {}
        for v in kb.facts[fact].allowed:
            groups.setdefault(tuple(v in a for a in conds), []).append(v)
        out[fact] = list(groups.values())
    return out


def _unrank(domains: Sequence[Sequence[object]], index: int) -> list[object]:
    """The `index`th element of the product of `domains` (the last domain varying fastest)."""
    out = []
    for d in reversed(domains):
        index, digit = divmod(index, len(d))
        out.append(d[digit])
    return out[::-1]


def grouped(kb: KnowledgeBase, rules: Sequence[Rule], rng: random.Random, k: int | None = None) -> Iterator[Combo]:
    """Every combination of value classes (or unknown) over the input facts of `rules`, one member drawn; only
    `k` of them, drawn with `rng`, when there are more."""
    classes = _classes(kb, rules)
    facts = sorted(classes)
    domains: list[list[list[str] | None]] = [[None, *classes[f]] for f in facts]
    total = math.prod(len(d) for d in domains)
    if k is None or total <= k:
        choices: Iterable[Sequence[object]] = itertools.product(*domains)
    else:
        choices = [_unrank(domains, i) for i in sorted(rng.sample(range(total), k))]
    for choice in choices:
        yield tuple((f, rng.choice(c)) for f, c in zip(facts, choice, strict=False) if c is not None)  # type: ignore[arg-type]


def full(kb: KnowledgeBase, facts: Iterable[str]) -> Iterator[Combo]:
    """Every combination of values (or unknown) over `facts`."""
    facts = sorted(facts)
    for values in itertools.product(*[(None, *kb.facts[f].allowed) for f in facts]):
        yield tuple((f, v) for f, v in zip(facts, values, strict=False) if v is not None)


def sampled(kb: KnowledgeBase, facts: Iterable[str], k: int, rng: random.Random) -> list[Combo]:
    """All combinations of values (or unknown) over `facts` when there are at most `k`, else `k` drawn with `rng`."""
    facts = sorted(facts)
    domains = [(None, *kb.facts[f].allowed) for f in facts]
    total = math.prod(len(d) for d in domains)
    if total <= k:
        return list(full(kb, facts))
    picks = [_unrank(domains, i) for i in sorted(rng.sample(range(total), k))]
    return [tuple((f, v) for f, v in zip(facts, values, strict=False) if v is not None) for values in picks]  # type: ignore[misc]


def rules_to_check(kb: KnowledgeBase) -> list[Rule]:
    """Every signal, defeater, warning and note rule."""
    return [r for r in kb.rules() if r.kind != "derived"]


def sharing_pairs(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Every pair of causes whose signals and defeaters read a common input fact (directly or not)."""
    cones = {c.id: set(input_cone(kb, c.rules)) for c in kb.causes.values()}
    return [(a, b) for a, b in itertools.combinations(kb.causes, 2) if cones[a] & cones[b]]


def examples(kb: KnowledgeBase) -> list[Combo]:
    """Every worked example's answers."""
    return [tuple(sorted(e.facts.items())) for c in kb.causes.values() for e in c.examples]


def random_answers(kb: KnowledgeBase, k: int, rng: random.Random) -> list[Combo]:
    """`k` answer sets over every categorical fact, each unknown half of the time."""
    facts = sorted(f.id for f in kb.facts.values() if not f.free_text)
    return [tuple((f, rng.choice(kb.facts[f].allowed)) for f in facts if rng.random() < 0.5) for _ in range(k)]


def core_space(kb: KnowledgeBase) -> list[Combo]:
    """Each rule's grouped combinations, each derived fact's cone and the examples, deduplicated."""
    combos: dict[Combo, None] = {}
    for rule in rules_to_check(kb):
        combos.update(dict.fromkeys(grouped(kb, [rule], random.Random(f"{SEED}:{rule.id}"))))
    for derived in kb.derived.values():
        combos.update(dict.fromkeys(full(kb, input_cone(kb, derived.rules))))
    combos.update(dict.fromkeys(examples(kb)))
    return list(combos)


def engine_space(kb: KnowledgeBase) -> list[Combo]:
    """The combinations all three evaluators run (see the module docstring), deduplicated, in a stable order."""
    combos = dict.fromkeys(core_space(kb))
    for a, b in sharing_pairs(kb):
        rules = (*kb.causes[a].rules, *kb.causes[b].rules)
        combos.update(dict.fromkeys(grouped(kb, rules, random.Random(f"{SEED}:{a}:{b}"), PAIR_SAMPLE)))
    combos.update(dict.fromkeys(random_answers(kb, RANDOM_SAMPLE, random.Random(f"{SEED}:random"))))
    return list(combos)


def wide_space(kb: KnowledgeBase) -> list[Combo]:
    """Every combination over each rule's full input cone, a larger sample per pair of causes sharing an input
    fact (over values, not classes) and more answer sets over the whole vocabulary, deduplicated."""
    combos: dict[Combo, None] = {}
    for rule in rules_to_check(kb):
        combos.update(dict.fromkeys(full(kb, input_cone(kb, [rule]))))
    for a, b in sharing_pairs(kb):
        facts = input_cone(kb, (*kb.causes[a].rules, *kb.causes[b].rules))
        combos.update(dict.fromkeys(sampled(kb, facts, WIDE_PAIR_SAMPLE, random.Random(f"{SEED}:wide:{a}:{b}"))))
    combos.update(dict.fromkeys(random_answers(kb, WIDE_RANDOM_SAMPLE, random.Random(f"{SEED}:wide"))))
    return list(combos)


# -- comparing -----------------------------------------------------------------------------------------------


def _cause_diff(got: CauseResult, want: Verdict) -> list[str]:
    ref = want.causes[got.id]
    out = []
    if got.status != ref.level:
        out.append(f"{got.id} level {got.status} != {ref.level}")
    if abs(got.score - ref.score) > TOLERANCE:
        out.append(f"{got.id} score {got.score!r} != {ref.score!r}")
    if abs(got.probability - ref.probability) > TOLERANCE:
        out.append(f"{got.id} probability {got.probability!r} != {ref.probability!r}")
    if abs(got.prior - ref.prior) > TOLERANCE:
        out.append(f"{got.id} prior {got.prior!r} != {ref.prior!r}")
    evidence = tuple(e.signal for e in got.evidence)
    if evidence != ref.fired:
        out.append(f"{got.id} evidence {evidence} != {ref.fired}")
    weights = {r.id: r.weight for r in got.cause.signals}
    out.extend(
        f"{e.signal} weight {e.weight} != {weights.get(e.signal)}"
        for e in got.evidence
        if e.weight != weights.get(e.signal)
    )
    return out


def differences(result: Diagnosis, want: Verdict) -> list[str]:
    """How a back-end's diagnosis differs from the reference verdict (empty when they agree)."""
    out = []
    main = tuple(c.id for c in result.causes)
    also = tuple(c.id for c in result.also)
    if main != want.main:
        out.append(f"main {main} != {want.main}")
    if also != want.also:
        out.append(f"also {also} != {want.also}")
    if main != want.main or also != want.also:
        got = {c.id: c.score for c in result.listed}
        shown = dict.fromkeys((*main, *also, *want.main, *want.also))
        out.append(
            "scores (back-end / exact sum): "
            + ", ".join(f"{c} {got.get(c)!r} / {want.causes[c].score!r}" for c in shown)
        )
    for cause in result.listed:
        out.extend(_cause_diff(cause, want))
    warnings = tuple(w.id for w in result.warnings)
    notes = tuple(n.id for n in result.notes)
    if warnings != want.warnings:
        out.append(f"warnings {warnings} != {want.warnings}")
    if notes != want.notes:
        out.append(f"notes {notes} != {want.notes}")
    return out


def _reasons(result: Diagnosis) -> Iterator[Reason]:
    """Every step of every explanation in `result`, at any depth."""
    for cause in result.listed:
        for evidence in cause.evidence:
            for reason in evidence.because:
                yield from (r for _, r in reason.walk())
    for message in (*result.warnings, *result.notes):
        for reason in message.because:
            yield from (r for _, r in reason.walk())


def credit_errors(kb: KnowledgeBase, result: Diagnosis, want: Verdict) -> list[str]:
    """Each derived fact in an explanation whose value or credited rule is not the first written rule that holds."""
    out = []
    for reason in _reasons(result):
        if not reason.derived:
            continue
        expected = want.derived.get(reason.fact)
        if expected is None or (reason.value, reason.rule) != expected:
            out.append(f"{reason.fact}: credited ({reason.value}, {reason.rule}), first holding {expected}")
            continue
        rule = next(r for r in kb.derived[reason.fact].rules if r.id == reason.rule)
        inner = [(r.fact, r.value) for r in reason.because]
        if [f for f, _ in inner] != [c.fact for c in rule.when] or any(
            v not in c.allowed for (_, v), c in zip(inner, rule.when, strict=False)
        ):
            out.append(f"{reason.fact}: explained by {inner}, but {rule.id} reads {[c.fact for c in rule.when]}")
    return out


# -- running it ----------------------------------------------------------------------------------------------


@dataclass
class Findings:
    """What went wrong over one answer space, one list per property (each entry names the answers)."""

    checked: int = 0
    runs: int = 0
    """Experta runs (the Python back-end's cost nothing next to them)."""
    errors: list[str] = field(default_factory=list)
    backends: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    inference: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    credit: list[str] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)

    def none(self, problems: Sequence[object]) -> None:
        """Fail with how many combinations were checked and the first few `problems`, if there are any."""
        if problems:
            head = f"{len(problems)} problems in {self.checked} combinations"
            pytest.fail("\n".join([head, *map(str, problems[:8])]), pytrace=False)

    def check(self, kb: KnowledgeBase, answers: dict[str, str], results: dict[str, Diagnosis], want: Verdict) -> None:
        """Record every property `results` (back-end name -> diagnosis) break against the reference `want`."""
        for name, result in results.items():
            diff = differences(result, want)
            if diff:
                self.mismatches.append(f"{answers}: {name} != reference: {'; '.join(diff)}")
            if (result.fallback is None) != bool(result.causes) or bool(result.causes) != bool(want.main):
                self.empty.append(
                    f"{answers}: {name}: {len(result.causes)} main causes, fallback {result.fallback is not None}"
                )
            if not result.causes and result.also:
                self.empty.append(f"{answers}: {name}: no main cause but also {[c.id for c in result.also]}")
            self.credit.extend(f"{answers}: {name}: {e}" for e in credit_errors(kb, result, want))
        dicts = [r.to_dict() for r in results.values()]
        if any(d != dicts[0] for d in dicts[1:]):
            self.backends.append(f"{answers}: {' != '.join(results)} in to_dict()")


@pytest.fixture(scope="module")
def reference(kb: KnowledgeBase) -> Reference:
    """The reference evaluator for the shipped knowledge base."""
    return Reference(kb)


def inference_differences(diagnoser: diagnose.Diagnoser, answers: dict[str, str], want: Verdict) -> list[str]:
    """How a back-end's inference record differs from the reference: derived values with their credited rules,
    and the signals, defeaters, warnings and notes that fired."""
    inference = diagnoser.infer(answers)
    name = diagnoser.engine
    out = []
    if dict(inference.derived) != dict(want.derived):
        out.append(f"{answers}: {name} derived {dict(inference.derived)} != reference {dict(want.derived)}")
    if inference.fired != want.fired:
        out.append(
            f"{answers}: fired only by {name} {sorted(inference.fired - want.fired)}, "
            f"only by the reference {sorted(want.fired - inference.fired)}"
        )
    return out


@pytest.fixture(scope="module")
def engine_run(kb: KnowledgeBase, reference: Reference) -> Findings:
    """Every combination of the engine space through both uncached back-ends and the reference."""
    experta = diagnose.Diagnoser(kb, cache_size=0)
    python = diagnose.Diagnoser(kb, cache_size=0, engine="python")
    compiled = diagnose.Diagnoser(kb, cache_size=0, engine="compiled")
    core = set(core_space(kb))
    found = Findings()
    start = time.perf_counter()
    for combo in engine_space(kb):
        answers = dict(combo)
        found.checked += 1
        try:
            want = reference.evaluate(answers)
            results = {
                "experta": experta.diagnose(answers),
                "compiled": compiled.diagnose(answers),
                "python": python.diagnose(answers),
            }
            found.runs += 1
            found.inference.extend(inference_differences(python, answers, want))
            found.inference.extend(inference_differences(compiled, answers, want))
            if combo in core:
                found.inference.extend(inference_differences(experta, answers, want))
                found.runs += 1
        except Exception as exc:
            found.errors.append(f"{answers}: {type(exc).__name__}: {exc}")
            continue
        found.check(kb, answers, results, want)
        found.listed.update(c.id for c in results["experta"].listed)
    seconds = time.perf_counter() - start
    SUMMARY.update(engine_combinations=found.checked, experta_runs=found.runs, engine_seconds=round(seconds, 1))
    evaluators = "experta, compiled, python and the reference"
    print(f"\nexhaustive: {found.checked} combinations through {evaluators} in {seconds:.1f} s")
    return found


@pytest.fixture(scope="module")
def wide_run(kb: KnowledgeBase, reference: Reference) -> Findings:
    """Every combination of the wide space through the two plain-Python back-ends and the reference (no experta)."""
    python = diagnose.Diagnoser(kb, cache_size=0, engine="python")
    compiled = diagnose.Diagnoser(kb, cache_size=0, engine="compiled")
    found = Findings()
    start = time.perf_counter()
    for combo in wide_space(kb):
        answers = dict(combo)
        found.checked += 1
        try:
            want = reference.evaluate(answers)
            results = {"python": python.diagnose(answers), "compiled": compiled.diagnose(answers)}
            found.inference.extend(inference_differences(python, answers, want))
            found.inference.extend(inference_differences(compiled, answers, want))
        except Exception as exc:
            found.errors.append(f"{answers}: {type(exc).__name__}: {exc}")
            continue
        found.check(kb, answers, results, want)
    seconds = time.perf_counter() - start
    SUMMARY.update(wide_combinations=found.checked, wide_seconds=round(seconds, 1))
    print(f"\nexhaustive: {found.checked} combinations through python, compiled and the reference in {seconds:.1f} s")
    return found


# -- the tests -----------------------------------------------------------------------------------------------


class TestSetup:
    def test_uncached_diagnoser_runs_the_engine_every_time(self, kb: KnowledgeBase) -> None:
        """With cache_size=0 (lru_cache maxsize=0) every call is a fresh engine run, not a cached result."""
        for engine in ("experta", "compiled", "python"):
            diagnoser = diagnose.Diagnoser(kb, cache_size=0, engine=engine)
            answers = {"insurance_type": "employee", "query_channel": "bank"}
            first, second = diagnoser.diagnose(answers), diagnoser.diagnose(answers)
            assert first is not second and first.to_dict() == second.to_dict()

    def test_reference_reproduces_the_example_cases(self, kb: KnowledgeBase, reference: Reference) -> None:
        """The reference ranks every example's `top` first, keeps its `expect` among the main causes and lists
        none of its `absent`, so it reads the rules the way the knowledge base's authors meant them."""
        wrong = []
        for cause in kb.causes.values():
            for example in cause.examples:
                verdict = reference.evaluate(dict(example.facts))
                if example.top is not None and verdict.main[:1] != (example.top,):
                    wrong.append(f"{example.name}: top {example.top}, reference ranks {verdict.main}")
                wrong.extend(
                    f"{example.name}: {c} not main in {verdict.main}" for c in example.expect if c not in verdict.main
                )
                wrong.extend(f"{example.name}: {c} listed" for c in example.absent if c in verdict.listed)
        assert not wrong, "\n".join(wrong)

    def test_every_categorical_fact_is_read_by_a_rule(self, kb: KnowledgeBase) -> None:
        """Every categorical input fact is read by some rule, so the answer space reaches every question."""
        read = set(input_cone(kb, kb.rules()))
        unread = [f.id for f in kb.facts.values() if f.id not in read and not f.free_text]
        assert not unread

    def test_the_engine_space_covers_every_rule_pair_and_example(self, kb: KnowledgeBase) -> None:
        """The engine space is a superset of each rule's grouped combinations, each derived fact's cone, each
        pair's sample and the examples."""
        space = set(engine_space(kb))
        for rule in rules_to_check(kb):
            assert set(grouped(kb, [rule], random.Random(f"{SEED}:{rule.id}"))) <= space, rule.id
        for derived in kb.derived.values():
            assert set(full(kb, input_cone(kb, derived.rules))) <= space, derived.id
        for a, b in sharing_pairs(kb):
            rules = (*kb.causes[a].rules, *kb.causes[b].rules)
            assert set(grouped(kb, rules, random.Random(f"{SEED}:{a}:{b}"), PAIR_SAMPLE)) <= space, (a, b)
        assert set(examples(kb)) <= space
        assert len(sharing_pairs(kb)) >= 10

    def test_grouping_keeps_every_derived_outcome(self, kb: KnowledgeBase, reference: Reference) -> None:
        """For each rule, the grouped combinations reach every derived value (and unknown) that the full cone
        reaches: the grouping loses no behaviour of the derived facts the rule reads."""
        for rule in rules_to_check(kb):
            read = {c.fact for c in rule.when if c.fact in kb.derived}
            if not read:
                continue

            def outcomes(combos: Iterable[Combo], read: set[str] = read) -> set[tuple[tuple[str, str | None], ...]]:
                out = set()
                for combo in combos:
                    derived = reference.infer(dict(combo))[1]
                    out.add(tuple((f, derived[f][0] if f in derived else None) for f in sorted(read)))
                return out

            want = outcomes(full(kb, input_cone(kb, [rule])))
            got = outcomes(grouped(kb, [rule], random.Random(f"{SEED}:{rule.id}")))
            assert got == want, rule.id


@pytest.mark.slow
class TestBackendsAgainstReference:
    def test_no_exception_or_conflict(self, engine_run: Findings) -> None:
        """No combination makes a back-end raise, nor the reference meet two derived rules that disagree."""
        engine_run.none(engine_run.errors)

    def test_the_backends_give_the_same_diagnosis(self, engine_run: Findings) -> None:
        """The two back-ends' diagnoses are equal, every text, score and explanation included."""
        engine_run.none(engine_run.backends)

    def test_backends_agree_with_the_reference(self, engine_run: Findings) -> None:
        """Main causes in order, also, levels, scores, fired signals, warnings and notes equal the reference."""
        engine_run.none(engine_run.mismatches)

    def test_inference_records_agree_with_the_reference(self, engine_run: Findings) -> None:
        """Each back-end's derived values, credited rules and fired rules equal the reference's."""
        engine_run.none(engine_run.inference)

    def test_a_cause_or_the_fallback(self, engine_run: Findings) -> None:
        """Every diagnosis has a main cause, or else (and only then) the fallback."""
        engine_run.none(engine_run.empty)

    def test_derived_facts_credit_the_first_written_rule(self, engine_run: Findings) -> None:
        """Every derived fact in an explanation names the first written rule that holds, and its conditions."""
        engine_run.none(engine_run.credit)

    def test_every_cause_is_reachable(self, kb: KnowledgeBase, engine_run: Findings) -> None:
        """Every cause is listed by the experta back-end for some answer set of the space."""
        missing = sorted(set(kb.causes) - engine_run.listed)
        assert not missing, f"never listed in {engine_run.checked} combinations: {missing}"
        assert engine_run.checked > 5_000, SUMMARY  # a floor: the enumeration did not quietly shrink to nothing


@pytest.mark.slow
class TestWideSpace:
    def test_no_exception_or_conflict(self, wide_run: Findings) -> None:
        """Over every combination of each rule's input cone, nothing raises and no derived rules disagree."""
        wide_run.none(wide_run.errors)

    def test_python_agrees_with_the_reference(self, wide_run: Findings) -> None:
        """Over every combination of each rule's input cone, the Python back-end agrees with the reference."""
        problems = wide_run.mismatches + wide_run.inference + wide_run.empty + wide_run.credit
        wide_run.none(problems)
        assert wide_run.checked > 1_000, SUMMARY
