"""What to ask next, from a consultation's state: re-asks, follow-ups, early questions, the checklist, value,
second looks, deferrals.

The order is that of knowledge/README.md ("Choosing questions"); the value of each question comes from the
planner (diagnose.consult.planner). Nothing here holds state: the session passes its answers in.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from diagnose.consult.picks import alone
from diagnose.consult.planner import Planner
from diagnose.inference.semantics import CauseScore
from diagnose.knowledge.model import Fact, KnowledgeBase, Text

__all__ = ["Agenda", "Step"]


@dataclass(frozen=True, slots=True)
class Step:
    """The next question: its fact, why it comes now, and for a re-ask what clashed and which warning it answers."""

    fact: str
    """The fact asked, or the checklist's id for reason "checklist"."""
    reason: str
    """"reask", "follow_up", "early", "checklist", "value", "second_look" or "deferred"."""
    reask: Text | None = None
    clash: str | None = None
    only: tuple[str, ...] = ()
    """The choices offered: for a checklist, its options that are still open; for a follow-up, the values of the
    option picked (the fact's other values are not offered). Empty: every choice."""


class Agenda:
    """Chooses the next question for one knowledge base."""

    def __init__(self, kb: KnowledgeBase, planner: Planner) -> None:
        self.kb = kb
        self.planner = planner

    def askable(self, fact: Fact, known: Mapping[str, str]) -> bool:
        """Whether the question applies: its `ask_if` answers are known and fit, and `skip_if` does not hold."""
        if fact.free_text or not all(known.get(c.fact) in c.allowed for c in fact.ask_if):
            return False
        return not (fact.skip_if and all(known.get(c.fact) in c.allowed for c in fact.skip_if))

    def next(
        self,
        answers: Mapping[str, str | None],
        asked: int,
        deferred: Sequence[str],
        reasked: Collection[str],
        force: bool = False,
        checked: Mapping[str, tuple[str, ...] | None] | None = None,
    ) -> tuple[Step | None, str]:
        """The next step, or None with the reason to stop: "cap", "settled" or "no_evidence". `checked` holds
        the checklists answered: the options picked, or None for a checklist skipped."""
        checked = checked or {}
        known = {k: v for k, v in answers.items() if v is not None}
        reask = self._reask(answers, known, reasked)
        if reask is not None:
            return reask, "reask"
        if asked >= self.kb.scale.max_questions and not force:
            return None, "cap"
        follow_up = self._follow_up(answers, known, checked)
        if follow_up is not None:
            return follow_up, "follow_up"
        shown = self.planner.snapshot(known).ranking.main
        if not (shown and shown[0].level.id == "confirmed"):  # once a cause is settled, only what can change it
            for fact in self.kb.facts.values():
                early = fact.early and fact.id not in answers and self.askable(fact, known)
                if early and self.planner.value(answers, fact.id) > 0:
                    return Step(fact.id, "early"), "early"
            for checklist_id in self.kb.checklists:
                if (step := self._checklist(checklist_id, answers, checked, "checklist")) is not None:
                    return step, "checklist"
        step = self._by_value(answers, known, deferred, shown, frozenset(), force, "value")
        if step is not None:
            return step, "value"
        aside = self.aside(known)
        main = [s for s in shown if s.cause not in aside]
        found = bool(main) and main[0].probability >= self.kb.scale.settle_min
        for look in self.kb.scale.second_looks:
            if look.applies(known) and not (look.beside and found):  # a look for a cause beside: one is found
                for fact_id in look.ask:
                    if fact_id in self.kb.checklists:
                        if (step := self._checklist(fact_id, answers, checked, "second_look")) is not None:
                            return step, "second_look"
                        continue
                    open_ = fact_id not in answers and fact_id not in deferred
                    if open_ and self.askable(self.kb.facts[fact_id], known):
                        return self._before(fact_id, answers, known, "second_look")
        if aside and (step := self._by_value(answers, known, deferred, main, aside, False, "second_look")):
            return step, "second_look"
        for fact_id in deferred:
            if self.askable(self.kb.facts[fact_id], known) and self.planner.value(answers, fact_id) > 0:
                return Step(fact_id, "deferred"), "deferred"
        return None, "settled" if shown else "no_evidence"

    def _by_value(
        self,
        answers: Mapping[str, str | None],
        known: Mapping[str, str],
        deferred: Sequence[str],
        main: Sequence[CauseScore],
        aside: frozenset[str],
        force: bool,
        reason: str,
    ) -> Step | None:
        """The most valuable question, unless none reaches `min_value` or the answer is settled (`force`: any),
        planning as if the causes `aside` were not there."""
        scored = self._values(answers, known, deferred, aside)
        worth = bool(scored) and scored[0][0] >= self.kb.scale.min_value
        if scored and (force or (worth and not self._settled(answers, main, scored, aside))):
            return self._before(scored[0][2], answers, known, reason)[0]
        return None

    def open_options(self, checklist_id: str, answers: Mapping[str, str | None]) -> tuple[str, ...]:
        """The options of a checklist whose fact is still open and applies, and that a cause in play reads."""
        known = {k: v for k, v in answers.items() if v is not None}
        candidates = self.planner.candidates(answers)
        return tuple(
            o.id
            for o in self.kb.checklists[checklist_id].options
            if o.fact not in answers and o.fact in candidates and self.askable(self.kb.facts[o.fact], known)
        )

    def _checklist(
        self,
        checklist_id: str,
        answers: Mapping[str, str | None],
        checked: Mapping[str, tuple[str, ...] | None],
        reason: str,
    ) -> Step | None:
        """The checklist, offering its open options, unless it was answered or fewer than two are open."""
        options = self.open_options(checklist_id, answers)
        return Step(checklist_id, reason, only=options) if checklist_id not in checked and len(options) >= 2 else None

    def _follow_up(
        self, answers: Mapping[str, str | None], known: Mapping[str, str], checked: Mapping[str, tuple[str, ...] | None]
    ) -> Step | None:
        """A picked checklist option of several values whose fact is still open: asked next, offering them, unless
        no answer to it could teach anything now (a death already rules out the card's cause)."""
        for checklist_id, picked in checked.items():
            for option in alone(self.kb.checklists[checklist_id], picked):
                open_ = option.fact not in answers and self.askable(self.kb.facts[option.fact], known)
                if open_ and self.planner.value(answers, option.fact) > 0:
                    return Step(option.fact, "follow_up", only=option.values)
        return None

    def aside(self, known: Mapping[str, str]) -> frozenset[str]:
        """The causes that the second looks which apply set beside: planning goes on as if they were not there."""
        return frozenset(c for look in self.kb.scale.second_looks if look.applies(known) for c in look.beside)

    def left_open(self, answers: Mapping[str, str | None], limit: int) -> list[str]:
        """The questions not yet answered whose answer would still teach most, most useful first (at most
        `limit`, each worth at least `min_value`): what would settle a consultation that ended at the cap."""
        known = {k: v for k, v in answers.items() if v is not None}
        scored = self._values(answers, known, (), self.aside(known))
        return [fact_id for value, _, fact_id in scored[:limit] if value >= self.kb.scale.min_value]

    def _settled(
        self,
        answers: Mapping[str, str | None],
        main: Sequence[CauseScore],
        scored: Sequence[tuple[float, int, str]],
        aside: frozenset[str],
    ) -> bool:
        """The first cause (but those set aside) is likely enough and no question left is much expected to change
        the top three."""
        if not main or main[0].probability < self.kb.scale.settle_min:
            return False
        change = self.kb.scale.settle_change
        return all(self.planner.change(answers, fact_id, aside) < change for _, _, fact_id in scored)

    def _values(
        self,
        answers: Mapping[str, str | None],
        known: Mapping[str, str],
        deferred: Sequence[str],
        aside: frozenset[str] = frozenset(),
    ) -> list[tuple[float, int, str]]:
        """(value, order, fact) for every question that may be asked now, most valuable first."""
        order = self.planner.fact_order
        out = []
        for fact_id in self.planner.candidates(answers, aside) - set(answers) - set(deferred):
            if self.askable(self.kb.facts[fact_id], known):
                value = self.planner.value(answers, fact_id, aside)
                if value > 0:
                    out.append((value, order[fact_id], fact_id))
        out.sort(key=lambda x: (-x[0], x[1]))
        return out

    def _before(
        self, fact_id: str, answers: Mapping[str, str | None], known: Mapping[str, str], reason: str
    ) -> tuple[Step, str]:
        """The step for `fact_id`, or first the question that decides whether it applies (`skip_if`)."""
        for cond in self.kb.facts[fact_id].skip_if:
            decider = self.kb.facts.get(cond.fact)
            if decider is not None and cond.fact not in answers and self.askable(decider, known):
                return Step(decider.id, reason), reason
        return Step(fact_id, reason), reason

    def _reask(
        self, answers: Mapping[str, str | None], known: Mapping[str, str], reasked: Collection[str]
    ) -> Step | None:
        """The earlier of two answers that a warning not yet re-asked says clash, asked again in plain words."""
        fired = self.planner.fired(known)
        order = list(answers)
        for warning in self.kb.warnings.values():
            rule = next((r for r in warning.rules if r.id in fired), None)
            if rule is None or warning.id in reasked:
                continue
            facts = sorted({c.fact for c in rule.when if c.fact in known}, key=order.index)
            if len(facts) < 2:
                continue
            first, last = facts[0], facts[-1]
            template = self.kb.replies.reask or Text("{first} / {last}", "{first} / {last}")
            text = Text(
                zh=template.zh.format(first=self._said(first, known, "zh"), last=self._said(last, known, "zh")),
                en=template.en.format(first=self._said(first, known, "en"), last=self._said(last, known, "en")),
            )
            return Step(first, "reask", text, warning.id)
        return None

    def _said(self, fact_id: str, known: Mapping[str, str], lang: str) -> str:
        fact = self.kb.facts[fact_id]
        return f"{fact.label.get(lang)}{'：' if lang == 'zh' else ': '}{fact.value(known[fact_id]).label.get(lang)}"
