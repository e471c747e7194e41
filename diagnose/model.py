"""The knowledge base's immutable values: what the loader builds and everything downstream reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Text:
    """One user-facing text in Chinese (primary) and English."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """Return the text in `lang` ("zh" or "en")."""
        return self.en if lang == "en" else self.zh

    def to_dict(self) -> dict[str, str]:
        """Return {"zh": ..., "en": ...}."""
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Condition:
    """`fact` must take one of `allowed`."""

    fact: str
    allowed: frozenset[str]


@dataclass(frozen=True)
class Value:
    """An allowed value of a fact, with its label and the words people use for it."""

    id: str
    label: Text
    synonyms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    """Regular expressions for phrasings that a fixed word list cannot cover."""


@dataclass(frozen=True)
class Fact:
    """A question the person answers; its id and values are the library's public vocabulary."""

    id: str
    label: Text
    question: Text
    help: Text
    values: tuple[Value, ...]
    free_text: bool = False
    ask_if: tuple[Condition, ...] = ()
    """Answers that must be known before this question makes sense (e.g. the tier only for flexible workers)."""

    @property
    def allowed(self) -> tuple[str, ...]:
        """The allowed value ids, in display order."""
        return tuple(v.id for v in self.values)

    def value(self, value_id: str) -> Value:
        """Return the Value with this id."""
        return next(v for v in self.values if v.id == value_id)


@dataclass(frozen=True)
class Rule:
    """A conjunction of conditions that concludes something.

    `owner` is the cause, derived fact, warning or note the rule belongs to, and `id` is "owner#n".
    `given` conditions are context and never count as evidence; `when` conditions are the signals.
    For a derived-fact rule, `value` is the value it concludes and `explain` says why.
    """

    id: str
    owner: str
    kind: Literal["cause", "derived", "warning", "note"]
    given: tuple[Condition, ...]
    when: tuple[Condition, ...]
    value: str | None = None
    explain: Text | None = None

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """All conditions, context first."""
        return self.given + self.when


@dataclass(frozen=True)
class Derived:
    """An intermediate fact the rules infer from answers and from other derived facts."""

    id: str
    label: Text
    values: tuple[Value, ...]
    rules: tuple[Rule, ...]

    @property
    def allowed(self) -> tuple[str, ...]:
        """The value ids this fact can take."""
        return tuple(v.id for v in self.values)

    def value(self, value_id: str) -> Value:
        """Return the Value with this id."""
        return next(v for v in self.values if v.id == value_id)


@dataclass(frozen=True)
class Channel:
    """A place to turn to: a hotline, an app, an office."""

    id: str
    name: Text
    detail: Text


@dataclass(frozen=True)
class Example:
    """A worked case kept beside its cause: answers in, expected statuses out."""

    name: str
    cause: str
    facts: Mapping[str, str]
    expect: Mapping[str, str]
    absent: tuple[str, ...]
    story: str | None


@dataclass(frozen=True)
class Cause:
    """A reason why a balance shows 0, is missing or is low, with what to do about it."""

    id: str
    group: str
    confidence: Literal["solid", "regional"]
    likelihood: int
    title: Text
    explanation: Text
    regional_note: Text | None
    verify: tuple[Text, ...]
    steps: tuple[Text, ...]
    contacts: tuple[Channel, ...]
    sources: tuple[str, ...]
    excludes: tuple[str, ...]
    rules: tuple[Rule, ...]
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class Check:
    """A warning (answers that contradict each other) or a reassurance note."""

    id: str
    kind: Literal["warning", "note"]
    text: Text
    recheck: tuple[str, ...]
    sources: tuple[str, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Advice:
    """What to do when nothing in the knowledge base explains the situation."""

    title: Text
    explanation: Text
    steps: tuple[Text, ...]
    contacts: tuple[Channel, ...]


@dataclass(frozen=True)
class Replies:
    """Generic short replies: don't-know, yes and no words, and negations that cancel a match."""

    dont_know: tuple[str, ...]
    yes: tuple[str, ...]
    no: tuple[str, ...]
    negations: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything loaded from a knowledge directory, validated and cross-checked."""

    version: str
    path: str
    facts: Mapping[str, Fact]
    derived: Mapping[str, Derived]
    causes: Mapping[str, Cause]
    warnings: Mapping[str, Check]
    notes: Mapping[str, Check]
    channels: Mapping[str, Channel]
    fallback: Advice
    replies: Replies

    def rules(self) -> tuple[Rule, ...]:
        """Every rule: derived facts first (in dependency order), then causes, warnings and notes."""
        out: list[Rule] = []
        for group in (self.derived.values(), self.causes.values(), self.warnings.values(), self.notes.values()):
            for item in group:
                out.extend(item.rules)
        return tuple(out)

    def describe(self, fact: str) -> Fact | Derived:
        """Return the input or derived fact with this id."""
        return self.facts[fact] if fact in self.facts else self.derived[fact]
