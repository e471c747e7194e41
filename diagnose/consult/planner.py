"""What the consultation plans with: the evidence ranking in plain Python, and the value of each question.

The consultation weighs every candidate answer many times per turn, far too often to run the experta engine
each time, so it runs the compiled back-end (diagnose.inference.compiled: the same semantics in plain Python).
The diagnosis shown to the person always comes from the chosen back-end; tests check that the two agree.

**Belief** (knowledge/README.md, "Choosing questions"). The causes still in play form a belief
π_c ∝ e^(score_c − (1 − w)·prior_c) · Π r. w is `consultation.planning_prior_weight`: the planner counts only part
of each prior, so that it also looks for rare causes. There is one factor r (`consultation.own_fact_dont_know`)
for each question answered 不知道 that asks about a fact of c's own mechanism (a fact one of c's signals names;
the heavier the signal, the smaller r): someone whose account moved with them knows that they moved, so 不知道 to
"did you move" counts against the transfer. When a cause shows itself in several ways (signals of at least
`consultation.mechanism_weight`: a scam is a text that showed a 0, or a rumour about the account), r of a fact
that only some of the ways read is the mean over the ways of the way's r where it reads the fact and 1 where it
does not. The shown diagnosis never reads 不知道 answers.

**Value of a question.** Its outcomes are the allowed answers and 不知道. Under cause c, 不知道 has probability
d·r (r = 1 when the fact is not c's own), d being the fact's `dont_know`; an answer v has the rest, shared as
P(v | c) ∝ share(v) · e^(score_c(v) − score_c), where share(v) is how often people give v (the fact's
`typical`) and score_c(v) the cause's score once v is known (0 when v defeats c). The value is the expected
information gain about π, H(π) − Σ_o P(o) H(π | o), in nats.

**Changing the result.** `change` is the chance that asking changes the top three causes listed (or the first),
summed over the answers that would; the consultation stops once the first cause is likely enough and no
question reaches `consultation.settle_change`.

**A second cause.** Where domain.md pairs two causes, a `second_look` may set its settled cause `beside`: while
the look applies, the belief, the values and the change leave that cause out, so the planner looks for a second
cause beside it as it looked for the first.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from diagnose.inference import compiled, semantics
from diagnose.knowledge.model import KnowledgeBase, Rule

__all__ = ["Planner", "Snapshot"]

_Key = frozenset[tuple[str, str | None]]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The ranking for some answers, and the warnings that hold."""

    ranking: semantics.Ranking
    warnings: frozenset[str]

    def signature(self) -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
        """What a consultation compares: the main causes in order with their level, and the warnings."""
        return tuple((s.cause, s.level.id) for s in self.ranking.main), self.warnings

    def top(self, aside: frozenset[str] = frozenset()) -> tuple[str | None, frozenset[str]]:
        """The first cause listed and the set of the first three, leaving out `aside`: what `Planner.change`
        watches."""
        listed = [s.cause for s in self.ranking.listed if s.cause not in aside][:3]
        return (listed[0] if listed else None), frozenset(listed)

    def state(self, cause: str) -> str:
        """The cause's level id when listed, "excluded" when defeated, else "open"."""
        score = self.ranking.scores[cause]
        if score.defeated_by is not None:
            return "excluded"
        return score.level.id if score.supported else "open"


def _split(answers: Mapping[str, str | None]) -> tuple[dict[str, str], frozenset[str]]:
    known = {f: v for f, v in answers.items() if v is not None}
    return known, frozenset(f for f, v in answers.items() if v is None)


class Planner:
    """Evaluates answers against one knowledge base, and knows which input facts each cause depends on.

    Every method takes the answers so far, None meaning 不知道.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        scale = kb.scale
        self.fact_order = {f: i for i, f in enumerate(kb.facts)}
        """Input fact -> its place in facts.toml, the question order used to break ties."""
        self.cause_inputs = {c.id: semantics.cone(kb, (x for r in c.rules for x in r.when)) for c in kb.causes.values()}
        """Cause -> every input fact its signals and defeaters read."""
        self.own_facts = {cause.id: _own_facts(kb, cause.signals) for cause in kb.causes.values()}
        """Cause -> the input facts of its own mechanism (those its signals of some weight read) -> the 不知道 ratio."""
        # Inference and scores are pure functions of the answers: one run per answer set serves the snapshot, the
        # fired rules and the scores alike. Values too: the first question of every consultation (no answers yet)
        # is computed once per knowledge base, and common paths after it are too.
        self._prior_discount = {
            c.id: (1.0 - scale.planning_prior_weight) * semantics.logit(c.prior) for c in kb.causes.values()
        }
        """How much of each prior's log-odds the belief leaves out (`consultation.planning_prior_weight`)."""
        self._infer = functools.lru_cache(maxsize=1 << 12)(self._infer_uncached)
        self._scores = functools.lru_cache(maxsize=1 << 15)(self._scores_uncached)
        self._snapshot = functools.lru_cache(maxsize=1 << 13)(self._snapshot_uncached)
        self._outcomes = functools.lru_cache(maxsize=1 << 15)(self._outcomes_uncached)

    # -- the ranking -------------------------------------------------------------------------------------

    def _infer_uncached(self, key: frozenset[tuple[str, str]]) -> semantics.Inference:
        return compiled.infer(self.kb, dict(key))

    def _known_key(self, answers: Mapping[str, str | None]) -> frozenset[tuple[str, str]]:
        return frozenset((f, v) for f, v in answers.items() if v is not None)

    def snapshot(self, answers: Mapping[str, str | None]) -> Snapshot:
        """Evaluate every cause and warning for these answers."""
        return self._snapshot(self._known_key(answers))

    def _snapshot_uncached(self, key: frozenset[tuple[str, str]]) -> Snapshot:
        inference = self._infer(key)
        warnings = frozenset(w.id for w in self.kb.warnings.values() if any(r.id in inference.fired for r in w.rules))
        return Snapshot(semantics.conclude(self.kb, inference), warnings)

    def fired(self, answers: Mapping[str, str | None]) -> frozenset[str]:
        """The ids of the signals, defeaters, warnings and notes that fire for these answers."""
        return self._infer(self._known_key(answers)).fired

    def _scores_uncached(self, key: frozenset[tuple[str, str]]) -> dict[str, float | None]:
        return semantics.scores(self.kb, self._infer(key))

    def scores(self, answers: Mapping[str, str | None]) -> dict[str, float | None]:
        """Each cause's score for these answers; None when a defeater rules it out. Cached."""
        return self._scores(self._known_key(answers))

    def belief(self, answers: Mapping[str, str | None], aside: frozenset[str] = frozenset()) -> dict[str, float]:
        """π over the causes still in play, 不知道 answers included (see the module doc), leaving out the causes
        `aside` (a settled cause beside which a second one is looked for)."""
        known, unknown = _split(answers)
        logits = {}
        for c, s in self.scores(known).items():
            if s is not None and c not in aside:
                s -= self._prior_discount[c]
                own = self.own_facts[c]
                logits[c] = s + math.fsum(math.log(own[f]) for f in unknown if f in own)
        if not logits:
            return {}
        top = max(logits.values())
        odds = {c: math.exp(x - top) for c, x in logits.items()}
        total = math.fsum(odds.values())
        return {c: x / total for c, x in odds.items()}

    # -- what a question would do ------------------------------------------------------------------------

    def _outcomes_uncached(
        self, key: _Key, fact_id: str, aside: frozenset[str] = frozenset()
    ) -> tuple[tuple[str | None, float, dict[str, float]], ...]:
        """(answer or None for 不知道, its probability, the belief after it) for each outcome of asking."""
        answers = dict(key)
        fact = self.kb.facts[fact_id]
        belief = self.belief(answers, aside)
        known, _ = _split(answers)
        now = self.scores(known)
        after = {v: self.scores({**known, fact_id: v}) for v in fact.allowed}
        d = fact.dont_know
        joint: dict[str | None, dict[str, float]] = {v: {} for v in (*fact.allowed, None)}
        for c, p in belief.items():
            unknown = min(0.99, d * self.own_facts[c].get(fact_id, 1.0))
            raw = {}
            for v in fact.allowed:
                score = after[v][c]
                raw[v] = 0.0 if score is None else fact.share(v) * math.exp(min(50.0, score - (now[c] or 0.0)))
            total = math.fsum(raw.values())
            joint[None][c] = p * unknown
            for v in fact.allowed:
                share = raw[v] / total if total else fact.share(v)
                joint[v][c] = p * (1.0 - unknown) * share
        out = []
        for outcome, row in joint.items():
            pv = math.fsum(row.values())
            if pv > 0:
                out.append((outcome, pv, {c: x / pv for c, x in row.items()}))
        return tuple(out)

    def value(self, answers: Mapping[str, str | None], fact_id: str, aside: frozenset[str] = frozenset()) -> float:
        """The expected information gain of asking `fact_id` about the belief (nats), 不知道 included."""
        belief = self.belief(answers, aside)
        if not belief:
            return 0.0
        outcomes = self._outcomes(frozenset(answers.items()), fact_id, aside)
        expected = math.fsum(pv * _entropy(post.values()) for _, pv, post in outcomes)
        return max(0.0, _entropy(belief.values()) - expected)

    def change(self, answers: Mapping[str, str | None], fact_id: str, aside: frozenset[str] = frozenset()) -> float:
        """The chance that asking `fact_id` changes the first cause listed or the set of the first three (the
        causes `aside` left out)."""
        now = self.snapshot(answers).top(aside)
        known, _ = _split(answers)
        return math.fsum(
            pv
            for v, pv, _ in self._outcomes(frozenset(answers.items()), fact_id, aside)
            if v is not None and self.snapshot({**known, fact_id: v}).top(aside) != now
        )

    def candidates(self, answers: Mapping[str, str | None], aside: frozenset[str] = frozenset()) -> set[str]:
        """The input facts that the causes still in play (but those `aside`) read."""
        return {f for c in self.belief(answers, aside) for f in self.cause_inputs[c]}


def _own_facts(kb: KnowledgeBase, signals: Iterable[Rule]) -> dict[str, float]:
    """The 不知道 ratio r of each input fact a cause's signals name themselves (a derived fact's inputs are
    context, not own): the smallest its signals give, except that a fact read by some of the cause's ways
    (signals of at least `mechanism_weight`) gets the mean, over the ways, of the way's ratio where it reads the
    fact and 1 where it does not: 不知道 about one way says nothing about another."""
    scale = kb.scale
    read = [
        (
            scale.own_ratio(rule.weight),
            rule.weight >= scale.mechanism_min,
            {c.fact for c in rule.when if c.fact in kb.facts},
        )
        for rule in signals
    ]
    read = [x for x in read if x[0] < 1.0]
    ways = [(ratio, facts) for ratio, way, facts in read if way]
    own: dict[str, float] = {}
    for ratio, _, facts in read:
        for fact in facts:
            if any(fact in way for _, way in ways):
                r_fact = math.fsum(r if fact in way else 1.0 for r, way in ways) / len(ways)
            else:
                r_fact = ratio
            own[fact] = min(r_fact, own.get(fact, 1.0))
    return {f: r for f, r in own.items() if r < 1.0}


def _entropy(ps: Iterable[float]) -> float:
    return -math.fsum(p * math.log(p) for p in ps if p > 0)
