"""Free text to fact values, with the words and patterns kept in the knowledge base. Precision over recall.

Two uses: reading a reply to one pending question (`match_reply`), and prefilling facts from a first message
(`extract`). Phrases from every fact compete for the text: the longest match wins its span, so
"儿子有职工医保" (a relative's insurance) is not also read as the person's own 职工医保. A match right after a
negation (不是新农合) is dropped, and a fact that two values both claim stays unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from diagnose.consult.reading import Reader, Reading
from diagnose.knowledge.checklist import Checklist
from diagnose.knowledge.model import Fact, KnowledgeBase, Text

__all__ = ["Reply", "TextMatcher"]

_PUNCT = re.compile(r"[\s\u3000。，、；：？！…“”‘’（）()《》【】\[\].,;:!?'\"~～—\-]+")
_CLAUSE_MARKS = ("，", "。", ",", ".", ";", "；", "!", "！", "?", "？", "\n", "但", "可是", "不过", "而且", " but ")
"""Where a clause ends: a negation before one of these does not reach past it."""
_NEGATION_REACH = 8
"""How far back (characters) a negation reaches within its clause: "我没有参加新农合" is 4."""
_NEGATION_REACH_WORDS = 24
"""The same for an English negation ("I never checked at an ATM" is 19)."""
_MAX_TEXT = 2000
_LOOKAROUND = re.compile(r"\(\?<?[!=][^)]*\)")


_LIST_SEPARATORS = re.compile(r"[\s\u3000,，、;；/和及与]+|\band\b")
"""What separates the options picked in a reply to a checklist: 1 3, 1、3, 搬家和改名."""


_NUMBERED = re.compile(r"(\d+)([a-z])?")
"""A checklist pick by number: 6 (the option), 6a (its first sub-choice)."""


def _numbered(checklist: Checklist, n: int, letter: str | None) -> list[str]:
    """The option numbered `n` (1-based, as shown), or its sub-choice lettered `letter` (a, b, …); [] if none."""
    if not 1 <= n <= len(checklist.options):
        return []
    option = checklist.options[n - 1]
    if letter is None:
        return [option.id]
    k = ord(letter) - ord("a")
    return [option.choices[k].id] if k < len(option.choices) else []


def _fits(word: str, label: Text) -> bool:
    """A reply word that is part of an option's words (at least two characters), or holds them all."""
    labels = (normalize(label.zh), normalize(label.en))
    return len(word) >= 2 and any(word in x or x in word for x in labels)


def normalize(text: str) -> str:
    """Lower case, without spaces or punctuation."""
    return _PUNCT.sub("", text).lower()


@dataclass(frozen=True, slots=True)
class Reply:
    """How a free-text reply was read: an answer (value, or None for 不知道), or a request to choose.

    `kind` is "answer", "dont_know", "later" (the person will look it up) or "choose"; for "choose", `choices`
    lists the value ids to offer and nothing was recorded. A reply to a checklist answers with `picked`, the
    option and sub-choice ids chosen (empty for 都没有), and `value` None.
    """

    kind: Literal["answer", "dont_know", "later", "choose"]
    fact: str
    value: str | None
    choices: tuple[str, ...] = ()
    picked: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Phrase:
    fact: str
    value: str
    regex: re.Pattern[str]
    negative: bool = False
    """The phrase holds a negation of its own (没刷过, 从来没进过钱): one before it does not turn it round."""


class TextMatcher:
    """Compiled phrase tables for one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        replies = kb.replies
        self._dont_know = {normalize(w) for w in replies.dont_know}
        self._yes = {normalize(w) for w in replies.yes}
        self._no = {normalize(w) for w in replies.no}
        self._later = {normalize(w) for w in replies.later}
        self._none = {normalize(w) for w in replies.none_of_these} | self._no | {"0"}
        words = [w.lower() for w in replies.negations]
        self._negations = tuple(w for w in words if not w.isascii())
        ascii_words = "|".join(re.escape(w) for w in words if w.isascii())
        self._ascii_negation = re.compile(rf"\b(?:{ascii_words})\b") if ascii_words else None
        kept = sorted(kb.reader.get("not_negations", ()), key=len, reverse=True)
        self._not_negation = re.compile("|".join(re.escape(w) for w in kept)) if kept else None
        self._phrases: list[_Phrase] = []
        for fact in kb.facts.values():
            for value in fact.values:
                for word in value.synonyms:
                    self._add(fact.id, value.id, re.compile(re.escape(word.lower())))
                for pattern in value.patterns:
                    self._add(fact.id, value.id, re.compile(pattern, re.IGNORECASE))
        for fact_id, values in kb.reader.get("words", {}).items():  # reader.toml: phrasings for both uses
            for value_id, patterns in values.items():
                for pattern in patterns:
                    self._add(fact_id, value_id, re.compile(pattern, re.IGNORECASE))
        self._reader: Reader | None = None

    def _add(self, fact: str, value: str, regex: re.Pattern[str]) -> None:
        source = _LOOKAROUND.sub("", regex.pattern.lower())  # "(?<!没)刷过" is not a negative phrase
        negative = any(n in source for n in self._negations)
        self._phrases.append(_Phrase(fact, value, regex, negative))

    # -- scanning ----------------------------------------------------------------------------------------

    def _scan(self, text: str, facts: Iterable[str] | None = None) -> dict[str, set[str]]:
        """Fact -> values whose phrases won a span of `text` and are not negated."""
        found: dict[str, set[str]] = {}
        for _, _, fact, value in self.spans(text, facts):
            found.setdefault(fact, set()).add(value)
        return found

    def spans(self, text: str, facts: Iterable[str] | None = None) -> list[tuple[int, int, str, str]]:
        """(start, end, fact, value) of the phrases that won a span of `text` and are not negated."""
        text = text[:_MAX_TEXT].lower()
        wanted = set(facts) if facts is not None else None
        spans = [
            (m.start(), m.end(), p)
            for p in self._phrases
            if wanted is None or p.fact in wanted
            for m in p.regex.finditer(text)
            if m.end() > m.start()
        ]
        spans.sort(key=lambda s: (s[0] - s[1], s[0]))  # longest first, then leftmost
        taken: list[tuple[int, int]] = []
        out: list[tuple[int, int, str, str]] = []
        if self._not_negation is not None:  # 没多久 / 没少交 negate nothing: blanked, same length, for the checks
            text = self._not_negation.sub(lambda m: "\u3000" * len(m.group()), text)
        for start, end, phrase in spans:
            if any(start < e and s < end and (s, e) != (start, end) for s, e in taken):
                continue  # a longer phrase won this text; one with the same extent for another fact is kept
            taken.append((start, end))
            if not phrase.negative and (self._negated(text, start) or self._negation_inside(text[start:end])):
                continue  # 不是新农合; 单位好几个月没交 read by a pattern with a gap ("单位…交")
            out.append((start, end, phrase.fact, phrase.value))
        return out

    def _negated(self, text: str, start: int) -> bool:
        """Whether a negation stands before `start` in the same clause, at most _NEGATION_REACH characters back
        ("我没有参加新农合", "不是新农合", "I am not on resident insurance"; not "没想到，新农合…")."""
        clause = max(text.rfind(mark, 0, start) for mark in _CLAUSE_MARKS) + 1
        window = text[max(clause, start - _NEGATION_REACH) : start]
        if any(n in window for n in self._negations):
            return True
        words = text[max(clause, start - _NEGATION_REACH_WORDS) : start]  # English words are longer
        return self._ascii_negation is not None and self._ascii_negation.search(words) is not None

    def _negation_inside(self, matched: str) -> bool:
        """Whether a phrase without a negation of its own matched one in a gap of its pattern."""
        return any(n in matched for n in self._negations)

    @property
    def reader(self) -> Reader:
        """The first-message reader (clauses, persons, channels), compiled on first use."""
        if self._reader is None:
            self._reader = Reader(self.kb, lambda clause: [s for s in self.spans(clause) if not self._free(s[2])])
        return self._reader

    def _free(self, fact: str) -> bool:
        return fact in self.kb.facts and self.kb.facts[fact].free_text

    def read(self, text: str) -> Reading:
        """Read a first message: facts with spans and confidence, the subject, what matched nothing."""
        return self.reader.read(text)

    def extract(self, text: str) -> dict[str, str]:
        """Facts a message states about its subject, read with at least the knowledge base's threshold."""
        return self.read(text).confident()

    # -- one pending question ------------------------------------------------------------------------------

    def match_reply(self, fact: Fact, text: str) -> Reply:
        """Read a reply to the question about `fact`; never guesses."""
        choose = Reply("choose", fact.id, None, fact.allowed)
        norm = normalize(text[:_MAX_TEXT])
        if not norm:
            return choose
        if norm in self._dont_know or norm == "0":
            return Reply("dont_know", fact.id, None)
        if norm in self._later:
            return Reply("later", fact.id, None)
        if norm.isascii() and norm.isdigit():  # not "²" or "①", which int() refuses
            n = int(norm)
            return Reply("answer", fact.id, fact.allowed[n - 1]) if 1 <= n <= len(fact.values) else choose
        for value in fact.values:
            if norm in (value.id, normalize(value.label.zh), normalize(value.label.en)):
                return Reply("answer", fact.id, value.id)
        polar = self._polar(fact, norm)
        if polar is not None:
            return polar
        values = self._scan(text, [fact.id]).get(fact.id, set())
        if len(values) == 1:
            return Reply("answer", fact.id, next(iter(values)))
        return self._by_label(fact, norm) or choose

    def match_checklist(self, checklist: Checklist, text: str) -> Reply:
        """Read a reply to a checklist: option numbers (1 3, 1、3), sub-choices by letter (6a), option or sub-choice
        words, 都没有 / 没有 / 0 (nothing picked), or 不知道 / 我去查一下 (the list skipped: its questions may still
        come one by one); never guesses, and two sub-choices of one option ask again."""
        choose = Reply("choose", checklist.id, None, checklist.allowed)
        norm = normalize(text[:_MAX_TEXT])
        if not norm:
            return choose
        if norm in self._none:
            return Reply("answer", checklist.id, None)
        if norm in self._dont_know or norm in self._later:  # a list is not put off: its questions can come singly
            return Reply("dont_know", checklist.id, None)
        parts = [p for p in _LIST_SEPARATORS.split(text[:_MAX_TEXT].lower()) if normalize(p)]
        picked: list[str] = []
        for part in parts:
            word = normalize(part)
            numbered = _NUMBERED.fullmatch(word) if word.isascii() else None
            if numbered:
                found = _numbered(checklist, int(numbered[1]), numbered[2])
            else:  # words: a sub-choice's short label when only one fits, else an option's label
                subs = [c.id for o in checklist.options for c in o.choices if _fits(word, c.label)]
                found = subs if len(subs) == 1 else [o.id for o in checklist.options if _fits(word, o.label)]
            if len(found) != 1:
                return choose
            picked += [x for x in found if x not in picked]
        facts = [x.partition(".")[0] for x in picked if "." in x]
        if len(set(facts)) < len(facts):
            return choose
        return Reply("answer", checklist.id, None, picked=tuple(picked)) if picked else choose

    def _by_label(self, fact: Fact, norm: str) -> Reply | None:
        """A reply that is part of a choice's words (微信 -> "微信或支付宝里的医保码") or holds them all: the choice
        when one fits, the ones that fit to choose from when several do (职工 -> the two 职工医保 choices)."""
        if len(norm) < 2:
            return None
        fits = []
        for value in fact.values:
            labels = (normalize(value.label.zh), normalize(value.label.en))
            if any(norm in label or (len(label) >= 2 and label in norm) for label in labels):
                fits.append(value.id)
        if len(fits) == 1:
            return Reply("answer", fact.id, fits[0])
        return Reply("choose", fact.id, None, tuple(fits)) if fits else None

    def _polar(self, fact: Fact, norm: str) -> Reply | None:
        """是/对/有 and 不是/没有 for questions that can take them (the value ids of replies.toml `yes_values` and
        `no_values`); a "please choose" where they are ambiguous."""
        allowed = set(fact.allowed)
        replies = self.kb.replies
        if norm in self._yes:
            for value in replies.yes_values:
                if value in allowed:
                    return Reply("answer", fact.id, value)
            return Reply("choose", fact.id, None, tuple(v for v in fact.allowed if v not in replies.no_values))
        if norm in self._no:
            for value in replies.no_values:
                if value in allowed:
                    return Reply("answer", fact.id, value)
            return Reply("choose", fact.id, None, fact.allowed)
        return None
