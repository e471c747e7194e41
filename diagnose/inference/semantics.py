"""The meaning of the knowledge base's rules, written once.

Every back-end and every reader of the rules goes through this module: the experta engine's rule actions and
its result (diagnose._compiler, diagnose._engine), the plain-Python evaluation the consultation plans with, and
the knowledge lint. `tests/reference.py` is an independent reimplementation, kept as the check.

1. **Conditions** are three-valued: true when the fact is known and takes an allowed value, false when it is
   known and takes another, unknown when nobody answered it (or the derived fact was not inferred).
2. **Derived facts** are inferred in dependency order; each takes the value of the first of its rules, in the
   order written, whose every condition holds, and stays unknown when none does.
3. **Signals, defeaters, warnings and notes** fire when every condition holds; an unknown fact never fires one.
4. **Evidence** (knowledge/README.md, "Evidence"): a cause's score is the log-odds of its prior plus the weights
   of its signals that fired. A defeater that fired rules the cause out. The probability is the logistic of the
   score, and its level the highest of knowledge/evidence.toml it reaches.
5. **Listing**: a cause is listed when it is not defeated, at least one signal with a positive weight fired
   (it has evidence of its own) and its probability reaches the listing floor. Listed causes are ranked by score
   (ties: prior, then knowledge-base order); the first few are the main causes, the next few "also worth
   checking".

Nothing here depends on the order in which rules fire or are written: an inference is a set of fired rules and
the derived values, and every score is an exactly rounded sum (math.fsum), so equal scores are equal.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from diagnose.knowledge.model import Condition, KnowledgeBase, Level, Rule

__all__ = [
    "CauseScore",
    "Inference",
    "Ranking",
    "conclude",
    "cone",
    "depths",
    "fires",
    "infer",
    "logit",
    "truth",
]


def truth(condition: Condition, values: Mapping[str, str]) -> bool | None:
    """True, False, or None (unknown) for one condition under the known `values`."""
    value = values.get(condition.fact)
    if value is None:
        return None
    return value in condition.allowed


def fires(rule: Rule, values: Mapping[str, str]) -> bool:
    """Whether every condition of `rule` holds under the known `values`."""
    return all(values.get(c.fact) in c.allowed for c in rule.when)


def logit(p: float) -> float:
    """Log-odds of a probability."""
    return math.log(p / (1.0 - p))


def _logistic(score: float) -> float:
    if score >= 0:
        return 1.0 / (1.0 + math.exp(-score))
    e = math.exp(score)
    return e / (1.0 + e)


# -- inference ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Inference:
    """What one run of any back-end establishes, before ranking.

    `answers` are the known answers; `derived` maps each inferred derived fact to its value and the rule that
    set it; `fired` holds the ids of the signals, defeaters, warnings and notes whose every condition holds.
    """

    answers: Mapping[str, str]
    derived: Mapping[str, tuple[str, str]]
    fired: frozenset[str]

    def values(self) -> dict[str, str]:
        """The answers and the inferred derived values together."""
        return {**self.answers, **{f: v for f, (v, _) in self.derived.items()}}


def derive(kb: KnowledgeBase, answers: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Each derived fact that the answers settle: its value and the rule that set it (see the module doc)."""
    return _derive(_plan(kb), dict(answers))


_Conds = tuple[tuple[str, frozenset[str]], ...]


class _Plan:
    """The rules of one knowledge base flattened once, so that `infer` allocates nothing per rule."""

    def __init__(self, kb: KnowledgeBase) -> None:
        def conds(rule: Rule) -> _Conds:
            return tuple((c.fact, c.allowed) for c in rule.when)

        self.derived = [(d.id, [(r.value or "", r.id, conds(r)) for r in d.rules]) for d in kb.derived.values()]
        # (id, first condition, the rest): most rules fail on their first condition, checked inline.
        self.firing = [(r.id, conds(r)[0], conds(r)[1:]) for r in kb.rules() if r.kind != "derived" and r.when]
        self.always = frozenset(r.id for r in kb.rules() if r.kind != "derived" and not r.when)
        self.cause_rules = {r.id: r for c in kb.causes.values() for r in c.rules}
        self.order = {c: i for i, c in enumerate(kb.causes)}
        self.prior_logits = {c.id: logit(c.prior) for c in kb.causes.values()}
        self.base = {c: _score(kb, c, (), None) for c in kb.causes}
        """Each cause's standing when none of its rules fired."""
        self.standing: dict[tuple[str, frozenset[str]], tuple[CauseScore, bool]] = {}
        """(cause, the ids of its own rules that fired) -> its standing: a cause has a handful of signals, so
        there are few such sets, and a run looks each up instead of scoring every cause it moved anew (at 10x
        the causes, scoring was 80% of a compiled diagnosis; BENCHMARKS.md, "Growth")."""

    def score(self, kb: KnowledgeBase, cause_id: str, own_fired: frozenset[str]) -> tuple[CauseScore, bool]:
        """`score_cause` for the ids of the cause's own rules that fired, and whether it may be listed (supported
        and at least `list_min_level`), remembered."""
        key = (cause_id, own_fired)
        found = self.standing.get(key)
        if found is None:
            if len(self.standing) >= _STANDINGS:
                self.standing.clear()
            score = score_cause(kb, cause_id, own_fired)
            found = self.standing[key] = (score, score.supported and score.probability >= kb.scale.list_min)
        return found


_STANDINGS = 1 << 14
"""At most this many remembered standings per knowledge base, then they are forgotten at once. An entry takes
under 1 KB (measured with tracemalloc: 20,000 random answer sets over the whole vocabulary left 8,716 entries in
6.8 MB), so this bounds the memory at about 13 MB."""


_PLANS: dict[int, _Plan] = {}


def _plan(kb: KnowledgeBase) -> _Plan:
    plan = _PLANS.get(id(kb))
    if plan is None:
        plan = _PLANS[id(kb)] = _Plan(kb)
        weakref.finalize(kb, _PLANS.pop, id(kb), None)  # forgotten with its knowledge base, before the id is reused
    return plan


def _derive(plan: _Plan, values: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Settle the derived facts in dependency order, adding them to `values`: each takes the value of its first
    rule, in the order written, whose every condition holds. Returns fact -> (value, rule id)."""
    derived: dict[str, tuple[str, str]] = {}
    for fact, rules in plan.derived:
        for value, rule_id, conds in rules:
            if all(values.get(f) in allowed for f, allowed in conds):
                values[fact] = value
                derived[fact] = (value, rule_id)
                break
    return derived


def infer(kb: KnowledgeBase, answers: Mapping[str, str | None]) -> Inference:
    """The plain-Python back-end: derive, then every signal, defeater, warning and note that fires."""
    plan = _plan(kb)
    known = {f: v for f, v in answers.items() if v is not None}
    values = dict(known)
    derived = _derive(plan, values)
    fired = set(plan.always)
    for rule_id, (f0, a0), rest in plan.firing:
        if values.get(f0) in a0 and all(values.get(f) in allowed for f, allowed in rest):
            fired.add(rule_id)
    return Inference(known, derived, frozenset(fired))


def depths(kb: KnowledgeBase) -> dict[str, int]:
    """Each derived fact's depth: 0 when its rules read only answers, else one more than the deepest it reads.

    A back-end that fires rules in strata of depth infers every derived fact from settled inputs, so the rule
    credited for a value is the first written one that holds, whatever the firing order inside a stratum.
    """
    depth: dict[str, int] = {}
    for derived in kb.derived.values():  # dependency order
        depth[derived.id] = max(
            (depth[c.fact] + 1 for r in derived.rules for c in r.when if c.fact in depth),
            default=0,
        )
    return depth


def cone(kb: KnowledgeBase, conditions: Iterable[Condition]) -> frozenset[str]:
    """The input facts `conditions` read, directly or through derived facts."""
    found: set[str] = set()
    pending = [c.fact for c in conditions]
    seen: set[str] = set()
    while pending:
        fact = pending.pop()
        if fact in seen:
            continue
        seen.add(fact)
        if fact in kb.derived:
            pending.extend(c.fact for r in kb.derived[fact].rules for c in r.when)
        else:
            found.add(fact)
    return frozenset(found)


# -- evidence and ranking -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CauseScore:
    """One cause's standing: score (log-odds), probability, level, the signals that moved it, any defeater."""

    cause: str
    prior: float
    """The prior's log-odds."""
    score: float
    probability: float
    level: Level
    evidence: tuple[Rule, ...]
    """The signals that fired, in the order written."""
    defeated_by: Rule | None

    @property
    def supported(self) -> bool:
        """Not defeated, and at least one signal with a positive weight fired."""
        return self.defeated_by is None and any(r.weight > 0 for r in self.evidence)


@dataclass(frozen=True, slots=True)
class Ranking:
    """Every cause's score, and the listed ones: the main causes, then the ones also worth checking."""

    scores: Mapping[str, CauseScore]
    main: tuple[CauseScore, ...]
    also: tuple[CauseScore, ...]

    @property
    def listed(self) -> tuple[CauseScore, ...]:
        """The main causes, then the others worth checking."""
        return self.main + self.also


def _score(kb: KnowledgeBase, cause_id: str, evidence: tuple[Rule, ...], defeater: Rule | None) -> CauseScore:
    prior = logit(kb.causes[cause_id].prior)
    # fsum is exact, so equal sums are equal whatever the order of their terms, and ties go to the tie-break
    # (prior, then knowledge-base order) rather than to rounding.
    score = math.fsum([prior, *(rule.weight for rule in evidence)])
    probability = 0.0 if defeater else _logistic(score)
    return CauseScore(cause_id, prior, score, probability, kb.scale.level(probability), evidence, defeater)


def score_cause(kb: KnowledgeBase, cause_id: str, fired: frozenset[str]) -> CauseScore:
    """Combine the evidence that fired for one cause (see the module doc)."""
    cause = kb.causes[cause_id]
    evidence = tuple(r for r in cause.signals if r.id in fired)
    defeater = next((r for r in cause.defeaters if r.id in fired), None)
    return _score(kb, cause_id, evidence, defeater)


def scores(kb: KnowledgeBase, inference: Inference) -> dict[str, float | None]:
    """Each cause's score (None when defeated): what `conclude` ranks by, without building the ranking."""
    plan = _plan(kb)
    terms: dict[str, list[float]] = {}
    defeated: set[str] = set()
    for rule_id in inference.fired:
        rule = plan.cause_rules.get(rule_id)
        if rule is None:
            continue
        if rule.kind == "unless":
            defeated.add(rule.owner)
        else:
            terms.setdefault(rule.owner, []).append(rule.weight)
    return {
        c: None if c in defeated else (math.fsum([p, *terms[c]]) if c in terms else p)
        for c, p in plan.prior_logits.items()
    }


def conclude(kb: KnowledgeBase, inference: Inference) -> Ranking:
    """Score every cause and list the supported ones, most likely first."""
    plan = _plan(kb)
    own: dict[str, set[str]] = {}
    for rule_id in inference.fired:
        rule = plan.cause_rules.get(rule_id)
        if rule is not None:
            own.setdefault(rule.owner, set()).add(rule_id)
    moved = [plan.score(kb, c, frozenset(ids)) for c, ids in own.items()]
    scores = dict(plan.base)  # in knowledge-base order; a cause none of whose rules fired keeps its base standing
    scores.update((s.cause, s) for s, _ in moved)
    order = plan.order
    scale = kb.scale
    ranked = sorted(
        (s for s, listable in moved if listable),
        key=lambda s: (-s.score, -s.prior, order[s.cause]),
    )
    # Ranked by score, so probabilities fall: the main causes are a prefix of the ranking.
    main = [s for i, s in enumerate(ranked[: scale.main]) if i == 0 or s.probability >= scale.main_min]
    also = ranked[len(main) : len(main) + scale.also]
    return Ranking(scores, tuple(main), tuple(also))
