"""The knowledge base's immutable values: what the loader builds and everything downstream reads."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from diagnose.knowledge.checklist import Checklist


MAINTAINER_ONLY = re.compile(r"seed\d{3}|\.txt|no\. from memory|https?://", re.IGNORECASE)
"""A source that only maintainers see: a seed article, a web address, a document number not verified."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where something is written: its file in the knowledge directory, its place there and its line."""

    file: str
    place: str
    line: int | None = None
    """1-based, where the file's text gives it."""


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Condition:
    """`fact` must take one of `allowed`."""

    fact: str
    allowed: frozenset[str]


@dataclass(frozen=True, slots=True)
class Value:
    """An allowed value of a fact, with its label and the words people use for it."""

    id: str
    label: Text
    synonyms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    """Regular expressions for phrasings that a fixed word list cannot cover."""
    terms: tuple[str, ...] = ()
    """Words that, in a cause's own text, name this value (for the lint that compares texts with signals)."""


@dataclass(frozen=True, slots=True)
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
    skip_if: tuple[Condition, ...] = ()
    """Answers under which the question does not apply (e.g. contributions, for a retiree)."""
    dont_know: float = 0.3
    """How often people cannot answer the question (不知道): an expected 不知道 lowers its value."""
    early: bool = False
    """Asked before the planner's choice (whose account, which insurance, where it was seen): the answer changes
    every later question and text."""
    typical: tuple[str, float] | None = None
    """The usual answer and its share among those who answer; the other values share the rest evenly."""

    def share(self, value_id: str) -> float:
        """How often people who answer give `value_id`."""
        if self.typical is None:
            return 1.0 / len(self.values)
        usual, share = self.typical
        return share if value_id == usual else (1.0 - share) / (len(self.values) - 1)

    @property
    def allowed(self) -> tuple[str, ...]:
        """The allowed value ids, in display order."""
        return tuple(v.id for v in self.values)

    def value(self, value_id: str) -> Value:
        """Return the Value with this id."""
        return next(v for v in self.values if v.id == value_id)


@dataclass(frozen=True, slots=True)
class Rule:
    """A conjunction of conditions that concludes something.

    `owner` is the cause, derived fact, warning or note the rule belongs to. Its `id` is "owner#n" for a
    derived fact, warning or note, "owner#sn" for a cause's nth signal and "owner#un" for its nth defeater.
    For a derived-fact rule, `value` is the value it concludes and `explain` says why. For a signal, `weight`
    is the log-odds it adds to its cause when every condition holds, `strength` the named level of
    knowledge/evidence.toml it came from, and `reason` the domain.md item behind it.
    """

    id: str
    owner: str
    kind: Literal["signal", "unless", "derived", "warning", "note"]
    when: tuple[Condition, ...]
    value: str | None = None
    explain: Text | None = None
    weight: float = 0.0
    strength: str | None = None
    reason: str | None = None
    source: Source | None = field(default=None, compare=False)
    """Where the rule is written, for messages (None for a rule made in memory)."""

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """All conditions."""
        return self.when


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Channel:
    """A place to turn to: a hotline, an app, an office."""

    id: str
    name: Text
    detail: Text


@dataclass(frozen=True, slots=True)
class Example:
    """A worked case kept beside its cause: answers in, the causes expected out.

    `top` must rank first, every cause of `expect` must be among the main causes, and no cause of `absent` may
    be listed at all.
    """

    name: str
    cause: str
    facts: Mapping[str, str]
    top: str | None
    expect: tuple[str, ...]
    absent: tuple[str, ...]
    story: str | None
    source: Source | None = field(default=None, compare=False)
    """Where its `[[example]]` table is written."""
    says: tuple[str, ...] = ()
    """Words the result screen (in Chinese) must show for these answers, e.g. 继承 for an heir."""
    never_says: tuple[str, ...] = ()
    """Words it must not show, e.g. 恢复缴费 for a retiree."""


@dataclass(frozen=True, slots=True)
class Cause:
    """A reason why a balance shows 0, is missing or is low, with what to do about it."""

    id: str
    group: str
    confidence: Literal["solid", "regional"]
    prior: float
    """The prior probability, from the named level `prior_level` of knowledge/evidence.toml."""
    prior_level: str
    prior_reason: str
    title: Text
    explanation: Text
    regional_note: Text | None
    verify: tuple[Text, ...]
    steps: tuple[Text, ...]
    contacts: tuple[Channel, ...]
    sources: tuple[str, ...]
    """Every source, for maintainers (seed files included)."""
    citizen_sources: tuple[Text, ...]
    """What a citizen is shown: policy documents and official channels, without unverified numbers."""
    signals: tuple[Rule, ...]
    defeaters: tuple[Rule, ...]
    examples: tuple[Example, ...]

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The signals, then the defeaters."""
        return self.signals + self.defeaters


@dataclass(frozen=True, slots=True)
class Check:
    """A warning (answers that contradict each other) or a reassurance note."""

    id: str
    kind: Literal["warning", "note"]
    text: Text
    recheck: tuple[str, ...]
    sources: tuple[str, ...]
    rules: tuple[Rule, ...]
    examples: tuple[tuple[str, Mapping[str, str]], ...] = ()
    """(name, answers) that must raise this check."""


@dataclass(frozen=True, slots=True)
class Advice:
    """What to do when nothing in the knowledge base explains the situation."""

    title: Text
    explanation: Text
    steps: tuple[Text, ...]
    contacts: tuple[Channel, ...]


@dataclass(frozen=True, slots=True)
class Replies:
    """Generic short replies: don't-know, yes and no words, and negations that cancel a match."""

    dont_know: tuple[str, ...]
    yes: tuple[str, ...]
    no: tuple[str, ...]
    negations: tuple[str, ...]
    later: tuple[str, ...] = ()
    none_of_these: tuple[str, ...] = ()
    """Replies that pick nothing from a checklist (都没有)."""
    yes_values: tuple[str, ...] = ("yes",)
    """The value ids a bare 是/有 answers, in the order tried."""
    no_values: tuple[str, ...] = ("no", "none")
    """The value ids a bare 不是/没有 answers, in the order tried."""
    examples: tuple[tuple[str, str, str, str | None], ...] = ()
    """(fact, text, kind, value): how a reply to that fact's question must be read."""
    subject: tuple[tuple[str, str, str], ...] = ()
    """(hedged text, wording for one's own account, wording for a relative's): see `personal`."""

    def personal(self, text: Text, whose: str | None) -> Text:
        """`text` with "您（或您要查的家人）" and the like said plainly, once whose account it is is known."""
        if whose not in ("self", "family_member"):
            return text
        zh, en = text.zh, text.en
        for hedged, own, relative in self.subject:
            said = own if whose == "self" else relative
            zh, en = zh.replace(hedged, said), en.replace(hedged, said)
        return text if (zh, en) == (text.zh, text.en) else Text(zh, en)
    reask: Text | None = None
    """How an earlier answer is asked again: {first} and {last} are the clashing answers."""


@dataclass(frozen=True, slots=True)
class Level:
    """A named degree of certainty: the lowest probability that reaches it, and how it reads."""

    id: str
    min: float
    label: Text
    meaning: str


@dataclass(frozen=True, slots=True)
class SecondLook:
    """Before stopping: when `when` holds and none of `unless` does, ask the still-open facts of `ask` (a second
    cause domain.md pairs), and plan on with the causes `beside` left out of the belief."""

    when: tuple[Condition, ...]
    ask: tuple[str, ...]
    reason: str
    unless: tuple[Condition, ...] = ()
    beside: tuple[str, ...] = ()

    def applies(self, known: Mapping[str, str]) -> bool:
        """Whether the look applies to these answers (None-free: an unknown fact holds no condition)."""
        if not all(known.get(c.fact) in c.allowed for c in self.when):
            return False
        return not any(known.get(c.fact) in c.allowed for c in self.unless)


@dataclass(frozen=True, slots=True)
class Scale:
    """The evidence model's scales: named priors and weights, the levels, and how many causes are listed."""

    priors: Mapping[str, float]
    weights: Mapping[str, float]
    levels: tuple[Level, ...]
    """Highest first."""
    main: int
    also: int
    main_min: float
    """A cause after the first is a main one only from this probability on."""
    list_min: float
    """A cause is listed at all only from this probability on."""
    min_value: float
    """The consultation stops when no question's expected value reaches this."""
    max_questions: int
    """The consultation never asks more than this many questions."""
    own_fact_dont_know: tuple[tuple[float, float], ...]
    """(signal weight, ratio), heaviest first: how much rarer 不知道 is, under a cause, about a fact its signal of at
    least that weight reads (a fact of the cause's own mechanism) than the fact's usual `dont_know`."""

    mechanism_min: float
    """A signal of at least this weight is one of its cause's ways of showing itself (`mechanism_weight`)."""

    def own_ratio(self, weight: float) -> float:
        """The 不知道 ratio for a fact read by a signal of this weight (1.0: not the cause's own fact)."""
        return next((ratio for w, ratio in self.own_fact_dont_know if weight >= w), 1.0)
    planning_prior_weight: float
    """The share of each prior's log-odds the planner's belief counts."""
    settle_min: float
    """The consultation may stop once the first cause reaches this probability ..."""
    settle_change: float
    """... and no question has this chance of changing the first cause or the first three."""
    second_looks: tuple[SecondLook, ...] = ()

    def level(self, probability: float) -> Level:
        """The highest level `probability` reaches."""
        return next(lv for lv in self.levels if probability >= lv.min)


# Not slotted: diagnose.inference.semantics keeps a weak reference to each knowledge base it has planned for
# (weakref_slot needs Python 3.11).
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
    scale: Scale
    content_hash: str = ""
    """sha256 of the knowledge files' text (set by the loader): a saved state names it beside `version`."""
    reader: Mapping[str, Any] = field(default_factory=dict)
    """reader.toml as validated: how first messages are read (diagnose.consult.reading)."""
    checklists: Mapping[str, Checklist] = field(default_factory=dict)
    """The `[[checklist]]` tables of facts.toml, in order."""

    def rules(self) -> tuple[Rule, ...]:
        """Every rule: derived facts first (in dependency order), then causes' signals and defeaters, warnings
        and notes."""
        out: list[Rule] = []
        for group in (self.derived.values(), self.causes.values(), self.warnings.values(), self.notes.values()):
            for item in group:
                out.extend(item.rules)
        return tuple(out)

    def describe(self, fact: str) -> Fact | Derived:
        """Return the input or derived fact with this id."""
        return self.facts[fact] if fact in self.facts else self.derived[fact]
