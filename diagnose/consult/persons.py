"""Who each clause of a first message is about, and whose balance is in question (diagnose.consult.reading).

A clause is about the person named near its start (after words such as but / when), after 帮/替 when the writer
checks something, the owner of an account the writer checks (我查他的个人账户), or whom a report names right
after 说 (我老公说我婆婆…); 他/她 point back to the last other named. The words are knowledge/reader.toml's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Clause", "Persons", "alternation", "regex"]


@dataclass(slots=True)
class Clause:
    """One clause of a message: where it starts, its text, whose it is, and what was read in it."""

    start: int
    text: str
    person: str | None  # "self", an other's word, or None
    named: bool
    zero: bool
    money: bool
    hits: list[tuple[str, str, str, bool, int]]  # (fact, value, matched text, told as the past, start)
    to: str | None = None  # the person after 给 (给我 / 给我妈): whom the clause's giving is for
    given: tuple[tuple[str, str], ...] = ()  # facts after 给…, about `to` (给儿子交了居民医保)
    ref: str | None = None  # whom 他/她 points to in this clause
    also_zero: bool = False  # 也是0: a second place showed 0
    claimed: bool = False  # part of what a report says (有人打电话说…，里面的钱都没了): no fact of its own


def alternation(words: list[str]) -> re.Pattern[str]:
    """One expression for a word list, longest first; an ASCII word only as a whole word."""
    parts = sorted(words, key=len, reverse=True)
    return re.compile("|".join(rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w) for w in parts), re.I)


def regex(patterns: Any) -> re.Pattern[str]:
    """One regular expression for a list of them; one that never matches for an empty list."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)", re.I)


class Persons:
    """The person patterns of one knowledge base's reader."""

    def __init__(self, cfg: Any) -> None:
        self._reach = int(cfg["topic_reach"])
        self._self = alternation(list(cfg["self"]))
        self._other = alternation(list(cfg["other"]))
        self._pronoun = alternation(list(cfg["pronouns"]))
        self.account = alternation(list(cfg["account"]))
        """What a balance is held in (个人账户, 医保卡, balance …)."""
        self._object_marks = tuple(cfg.get("object_marks", ()))
        self._behalf = tuple(cfg.get("behalf_marks", ()))
        self._behalf_verbs = regex(cfg.get("behalf_verbs", ()))
        self._topic_lead = regex(cfg.get("topic_lead", ()))
        viewed = alternation([*cfg["account"], *cfg.get("viewed", ())]).pattern
        self._told = re.compile(rf"(?:我|俺)?(?:{self._other.pattern})(?:也|就|跟我|和我)?(?:说|讲|告诉我)", re.I)
        self._possessed = re.compile(rf"\s*(?:自己)?(?:的|'s)?\s*(?:{viewed})", re.I)
        people = (self._other.pattern, self._self.pattern, self._pronoun.pattern)
        self._owned = re.compile("|".join(f"({p})(?:自己)?的?(?:{self.account.pattern})" for p in people), re.I)

    def object(self, part: str, other: str | None) -> tuple[str | None, int]:
        """Whom 给 in the clause is for: "self" (给我), an other's word (给我妈), the last other (给她); and
        where that 给 stands (the clause's length when there is none)."""
        for mark in re.finditer("给", part):
            rest = part[mark.end() :]
            owner = self._self.match(rest)  # 给我外公: 我 owns the person named next
            named = self._other.match(rest) or (self._other.match(rest[owner.end() :]) if owner else None)
            pronoun = self._pronoun.match(rest)
            mine = owner is not None and rest[owner.end() : owner.end() + 1] != "的"  # 给我的同学: not 给我
            who = named.group().lower() if named else "self" if mine else other if pronoun else None
            if who is not None:
                return who, mark.start()
        return None, len(part)

    def topic(
        self, part: str, last_other: str | None, topic_other: str | None
    ) -> tuple[str | None, str | None, str | None]:
        """The person a clause is about (named within topic_reach characters), and the last other named."""
        reach = self._reach
        others = list(self._other.finditer(part))
        pronouns = list(self._pronoun.finditer(part))
        people = [(m.start(), m.group().lower()) for m in others]
        starts = {m.start() for m in others}
        for m in self._self.finditer(part):
            inside = any(o.start() <= m.start() < o.end() for o in others) or m.end() in starts  # 我 of 我老公
            if not inside and part[m.end() : m.end() + 1] != "们":
                people.append((m.start(), "self"))
        for m in pronouns:
            if (topic_other or last_other) is not None and part[m.end() : m.end() + 1] != "们":
                people.append((m.start(), str(topic_other or last_other)))
        people.sort()
        topics = [p for p in people if p[0] == 0 or part[p[0] - 1 : p[0]] not in self._object_marks]
        lead = self._topic_lead.match(part)  # but when she…: the person comes after the opening words
        topic = topics[0][1] if topics and topics[0][0] <= reach + (lead.end() if lead else 0) else None
        told = self._told.match(part)  # 我老公说我婆婆那边开了…: about whom the report is about, right after 说
        reported = [p for p in people if told and p[0] in (told.end(), told.end() + 1) and p[1] != "self"]
        if reported:
            topic = reported[0][1]
        checks = topic in (None, "self") and self._behalf_verbs.search(part) is not None
        behalf = [p for p in people if 0 < p[0] <= reach + 2 and part[p[0] - 1] in self._behalf]
        if checks and behalf:  # 我帮她看了下: her account
            topic = behalf[0][1]
        elif checks:  # 我查他的个人账户: his account
            owners: dict[int, int] = {}  # where each person named starts -> where the longest name there ends
            for m in (*others, *pronouns):
                owners[m.start()] = max(m.end(), owners.get(m.start(), 0))
            owned = [p for p in people if p[1] != "self" and self._possessed.match(part, owners.get(p[0], p[0]))]
            if owned:
                topic = owned[0][1]
        if topic not in (None, "self"):
            topic_other = topic
        for _, who in people:
            if who != "self" and topic_other is None:
                last_other = who
        return topic, topic_other or last_other, topic_other

    def subject(self, clauses: list[Clause]) -> str | None:
        """Whose balance is in question: the person of the first clause about an account that is 0 or short."""
        # 同事说他的账户是0，我查了我的，也是0: what another says of their own account is a comparison; the
        # writer's own look comes first. A clause break after 说 puts what was said in the next clause.
        told: set[int] = set()
        for i, c in enumerate(clauses):
            if self._told.match(c.text):
                told.update((i, i + 1) if self._told.fullmatch(c.text.strip()) else (i,))
        seen = [
            (i, c.person)
            for i, c in enumerate(clauses)
            if (c.zero or any(h[0] == "symptom" for h in c.hits)) and c.person is not None
        ]
        if seen:
            return next((person for i, person in seen if i not in told), seen[0][1])
        for c in clauses:  # 我的医保卡余额少了 / 我妈经常用我的卡: whose account is named, when no 0 is read
            owned = self._owned.search(c.text)  # 我用爸爸的医保卡: the account's owner
            if owned:
                other, me, _ = owned.groups()
                return other.lower() if other else "self" if me else c.ref
            if c.named and self.account.search(c.text):
                return c.person
        first = next((c.person for c in clauses if c.person is not None), None)
        return first
