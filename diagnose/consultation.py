"""An adaptive consultation: ask only what can still change the diagnosis, most discriminating first.

No I/O happens here; the terminal UI and a helpdesk bot drive it. The diagnosis always comes from the engine
(`result()` equals `diagnose(answers)`); choosing questions reads the rule structure directly (see _logic).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ._logic import Snapshot
from .api import Diagnoser, default_diagnoser, validate_facts
from .diagnosis import Diagnosis
from .errors import ConsultationError, UnknownFactError
from .model import Fact, Text, Value

__all__ = ["Consultation", "Effect", "Question", "Why"]


@dataclass(frozen=True, slots=True)
class Question:
    """A question to put to the person: the fact it settles, its text, help and choices."""

    fact: Fact

    @property
    def id(self) -> str:
        """The fact id this question settles."""
        return self.fact.id

    @property
    def text(self) -> Text:
        """The question itself."""
        return self.fact.question

    @property
    def help(self) -> Text:
        """Why we ask, or where to find the answer."""
        return self.fact.help

    @property
    def choices(self) -> tuple[Value, ...]:
        """The allowed values, in display order, with their labels."""
        return self.fact.values

    @property
    def allowed(self) -> tuple[str, ...]:
        """The allowed value ids."""
        return self.fact.allowed


@dataclass(frozen=True, slots=True)
class Effect:
    """What one answer to a question would do to the causes."""

    value: str
    confirms: tuple[str, ...]
    rules_out: tuple[str, ...]
    raises: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Why:
    """The WHY explanation of a question: what each possible answer would confirm or rule out."""

    fact: Fact
    effects: tuple[Effect, ...]

    def render(self, lang: str, title: Mapping[str, Text]) -> list[str]:
        """Return one line per answer, in `lang`, naming causes by their titles in `title`."""
        zh = lang != "en"
        lines = []
        for effect in self.effects:
            parts = []
            for ids, label in (
                (effect.confirms, ("可确认", "confirms")),
                (effect.raises, ("提示可能是", "points to")),
                (effect.rules_out, ("可排除", "rules out")),
            ):
                if ids:
                    names = ("、" if zh else "; ").join(title[i].get(lang) for i in ids[:3])
                    if len(ids) > 3:
                        names += f"等{len(ids)}个原因" if zh else f" and {len(ids) - 3} more"
                    parts.append(f"{label[0] if zh else label[1]}{'：' if zh else ': '}{names}")
            answer = self.fact.value(effect.value).label.get(lang)
            lines.append(f"{answer} → " + (("；" if zh else ". ").join(parts)))
        return lines


class Consultation:
    """One person's consultation: answers so far, the next question, WHY, undo, and the diagnosis.

    Not safe to share between threads; give each conversation its own (they may share one Diagnoser).
    """

    def __init__(self, diagnoser: Diagnoser | None = None) -> None:
        self.diagnoser = diagnoser or default_diagnoser()
        self.kb = self.diagnoser.kb
        self._planner = self.diagnoser.planner
        self._answers: dict[str, str | None] = {}

    # -- state -------------------------------------------------------------------------------------------

    @property
    def answers(self) -> dict[str, str | None]:
        """Answers so far, in the order given; None means 不知道."""
        return dict(self._answers)

    def known(self) -> dict[str, str]:
        """The answers that are not 不知道."""
        return {k: v for k, v in self._answers.items() if v is not None}

    def answer(self, fact_id: str, value: str | None) -> None:
        """Record an answer; None means the person does not know.

        Raises:
            UnknownFactError: no such fact.
            InvalidValueError: the value is not allowed for that fact.
        """
        validated = validate_facts(self.kb, {fact_id: value})
        self._answers.pop(fact_id, None)  # a corrected answer moves to the end, so undo takes it back
        self._answers[fact_id] = validated.get(fact_id)

    def undo(self) -> str:
        """Take back the last answer and return its fact id.

        Raises:
            ConsultationError: nothing has been answered yet.
        """
        if not self._answers:
            raise ConsultationError("nothing to undo: no question has been answered yet")
        fact_id = next(reversed(self._answers))
        del self._answers[fact_id]
        return fact_id

    def result(self) -> Diagnosis:
        """The diagnosis for the answers so far (the same as `diagnose(answers)`)."""
        return self.diagnoser.diagnose(self._answers)

    # -- choosing questions ------------------------------------------------------------------------------

    def next_question(self) -> Question | None:
        """The most discriminating question that can still change the diagnosis, or None to stop.

        While some causes are only possible, questions settle them. Once a cause is confirmed and none is left
        open, the consultation stops rather than hunt for unrelated causes. With nothing found yet, it asks
        what can bring any cause forward or rule it out.
        """
        known = self.known()
        now = self._planner.snapshot(known)
        open_causes = [c for c, s in now.causes.items() if s == "possible"]
        if open_causes:
            best = self._best(known, now, open_causes)
            if best is not None:
                return best
        if any(s == "confirmed" for s in now.causes.values()):
            return None
        return self._best(known, now, [c for c in now.causes if c not in now.excluded])

    def _best(self, known: dict[str, str], now: Snapshot, focus: Iterable[str]) -> Question | None:
        focus = list(focus)
        candidates = {f for c in focus for f in self._planner.cause_inputs[c]} - set(self._answers)
        before = now.signature()
        best: tuple[float, int, str] | None = None
        order = {f: i for i, f in enumerate(self.kb.facts)}
        for fact_id in candidates:
            fact = self.kb.facts[fact_id]
            if not all(known.get(cond.fact) in cond.allowed for cond in fact.ask_if):
                continue
            changed = 0
            moved = 0
            for value in fact.allowed:
                after = self._planner.snapshot({**known, fact_id: value})
                if after.signature() != before:
                    changed += 1
                    moved += sum(after.state(c) != now.state(c) for c in focus)
            if not changed:
                continue
            # Most causes settled per answer on average; ties go to the knowledge base's question order.
            score = (-moved / len(fact.allowed), order[fact_id], fact_id)
            if best is None or score < best:
                best = score
        return None if best is None else Question(self.kb.facts[best[2]])

    def why(self, fact_id: str) -> Why:
        """The WHY explanation for a question: what each answer would confirm, point to or rule out.

        Raises:
            UnknownFactError: no such fact.
        """
        fact = self.kb.facts.get(fact_id)
        if fact is None or fact.free_text:
            raise UnknownFactError(fact_id, [f for f, x in self.kb.facts.items() if not x.free_text])
        known = {k: v for k, v in self.known().items() if k != fact_id}
        now = self._planner.snapshot(known)
        effects = []
        for value in fact.allowed:
            after = self._planner.snapshot({**known, fact_id: value})
            excluded = after.excluded - now.excluded
            effects.append(
                Effect(
                    value,
                    confirms=tuple(c for c, s in after.causes.items() if s == "confirmed" and now.causes[c] != s),
                    rules_out=tuple(c for c in self.kb.causes if c in excluded),
                    raises=tuple(c for c, s in after.causes.items() if s == "possible" and now.causes[c] is None),
                )
            )
        return Why(fact, tuple(effects))

