"""What the consultation puts to a person: a question about one fact or a checklist, and the WHY of a question."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from diagnose.knowledge.checklist import Checklist
from diagnose.knowledge.model import Fact, Replies, Text, Value

if TYPE_CHECKING:
    from diagnose.consult.planner import Planner

__all__ = ["Effect", "Question", "Why", "effect"]


@dataclass(frozen=True, slots=True)
class Question:
    """A question to put to the person: the fact it settles (or the checklist it puts), its text, help and choices.

    `reask` is set when the question asks again about an earlier answer that contradicts a later one (domain.md
    §6.1): it says what clashed, and `text` starts with it. A checklist (`multiple`) is answered with the options
    that hold, any number of them (`Consultation.answer(id, [option, ...])`).
    """

    fact: Fact | Checklist
    reask: Text | None = None
    replies: Replies | None = None
    """The knowledge base's replies, whose `subject` wording says whom the question is about."""
    whose: str | None = None
    """viewing_whose, once answered: "self" or "family_member"."""
    default: str | None = None
    """A value the first message suggested with too little confidence to use: offer it as the default choice."""
    only: tuple[str, ...] = ()
    """The choices offered, when not all of them: a checklist's open options, or a follow-up's values."""

    @property
    def id(self) -> str:
        """The fact id this question settles, or the checklist's id."""
        return self.fact.id

    @property
    def multiple(self) -> bool:
        """Whether any number of choices may be picked (a checklist)."""
        return isinstance(self.fact, Checklist)

    @property
    def text(self) -> Text:
        """The question itself (after what clashed, for a re-ask), about the person it is about."""
        q = self._personal(self.fact.question)
        if self.reask is None:
            return q
        return Text(zh=f"{self.reask.zh}{q.zh}", en=f"{self.reask.en} {q.en}")

    @property
    def help(self) -> Text:
        """Why we ask, or where to find the answer."""
        return self._personal(self.fact.help)

    def _personal(self, text: Text) -> Text:
        return text if self.replies is None else self.replies.personal(text, self.whose)

    @property
    def choices(self) -> tuple[Value, ...]:
        """The choices offered, in display order, with their labels."""
        values = self.fact.values
        return tuple(v for v in values if v.id in self.only) if self.only else values

    @property
    def allowed(self) -> tuple[str, ...]:
        """The ids of the choices offered."""
        return tuple(v.id for v in self.choices)

    def sub_choices(self, choice_id: str) -> tuple[Value, ...]:
        """For a checklist option of several values, its sub-choices ("fact.value" ids and short labels): picking
        one answers the fact at once. Empty for any other choice."""
        if not isinstance(self.fact, Checklist):
            return ()
        return self.fact.option(choice_id).choices

    @property
    def offered(self) -> Fact | Checklist:
        """The fact or checklist with only the choices offered, in the order shown: what a reply's numbers index."""
        if not self.only:
            return self.fact
        if isinstance(self.fact, Checklist):
            return replace(self.fact, options=tuple(o for o in self.fact.options if o.id in self.only))
        return replace(self.fact, values=self.choices)

    def answer_from(self, facts: Mapping[str, str | None]) -> str | list[str] | None:
        """The answer of someone who knows `facts` and nothing else (a form already filled in, a simulated person):
        a fact's value, or None for 不知道; for a checklist, the options whose fact has one of their values (as the
        sub-choice of that value, for an option of several)."""
        if isinstance(self.fact, Checklist):
            picked = []
            for option in map(self.fact.option, self.allowed):
                value = facts.get(option.fact)
                if value in option.values:
                    picked.append(f"{option.fact}.{value}" if option.choices else option.id)
            return picked
        value = facts.get(self.fact.id)
        return value if value is None or value in self.fact.allowed else None

    def to_dict(self) -> dict[str, object]:
        """The question as JSON-safe data (the wire schema "question"): id, texts in zh and en, choices."""
        from diagnose.consult.wire import question_dict

        return question_dict(self)


@dataclass(frozen=True, slots=True)
class Effect:
    """What one answer to a question would do to the causes."""

    value: str
    confirms: tuple[str, ...]
    rules_out: tuple[str, ...]
    raises: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Why:
    """The WHY explanation of a question: what each possible answer would confirm or rule out (for a checklist,
    each option picked)."""

    fact: Fact | Checklist
    effects: tuple[Effect, ...]


def effect(planner: Planner, known: Mapping[str, str], value: str, ways: list[dict[str, str]]) -> Effect:
    """What answering `value` would do to the causes, over each way it can be meant (a checklist option with
    several values is any of them)."""
    causes = planner.kb.causes
    now = planner.snapshot(known)
    was = {c: now.state(c) for c in causes}
    confirms: dict[str, None] = {}
    rules_out: dict[str, None] = {}
    raises: dict[str, None] = {}
    for way in ways:
        after = planner.snapshot({**known, **way})
        new = {c: after.state(c) for c in causes}
        confirms.update((c, None) for c in causes if new[c] == "confirmed" != was[c])
        rules_out.update((c, None) for c in causes if new[c] == "excluded" != was[c])
        moved = (c for c in causes if was[c] in ("open", "excluded"))
        raises.update((c, None) for c in moved if new[c] not in ("open", "excluded", "confirmed"))
    return Effect(value, confirms=tuple(confirms), rules_out=tuple(rules_out), raises=tuple(raises))
