"""What the consultation puts to a person: a question about one fact, and the WHY of a question."""

from __future__ import annotations

from dataclasses import dataclass

from diagnose.knowledge.model import Fact, Replies, Text, Value

__all__ = ["Effect", "Question", "Why"]


@dataclass(frozen=True, slots=True)
class Question:
    """A question to put to the person: the fact it settles, its text, help and choices.

    `reask` is set when the question asks again about an earlier answer that contradicts a later one (domain.md
    §6.1): it says what clashed, and `text` starts with it.
    """

    fact: Fact
    reask: Text | None = None
    replies: Replies | None = None
    """The knowledge base's replies, whose `subject` wording says whom the question is about."""
    whose: str | None = None
    """viewing_whose, once answered: "self" or "family_member"."""
    default: str | None = None
    """A value the first message suggested with too little confidence to use: offer it as the default choice."""

    @property
    def id(self) -> str:
        """The fact id this question settles."""
        return self.fact.id

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
        """The allowed values, in display order, with their labels."""
        return self.fact.values

    @property
    def allowed(self) -> tuple[str, ...]:
        """The allowed value ids."""
        return self.fact.allowed

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
    """The WHY explanation of a question: what each possible answer would confirm or rule out."""

    fact: Fact
    effects: tuple[Effect, ...]
