"""The first-message reader: clauses, whose situation each is about, where the 0 was seen, and a confidence.

All words and patterns come from knowledge/reader.toml and facts.toml. A message is masked first (ID, phone
and card numbers, names), so nothing it returns holds a personal identifier. A clause is about the person named
near its start (or after 帮/替), else about the person of the clause before; the subject is whoever's balance
is 0 or low (diagnose.consult.persons). Facts read in a clause about someone else are not the subject's,
except a relative's 职工医保 (relative_with_employee_insurance) and 家庭共济 given to the subject (给我 / 给她:
family_sharing = receiver); facts after 给 + a person are that person's. Nothing is read after a guess (是不是 /
怕 / 想…) or a rumour's 说, nor in what a report goes on to say, and a fact told as the past yields to the
present.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from diagnose.consult.found import Found, Reading
from diagnose.consult.persons import Clause, Persons, alternation, regex
from diagnose.knowledge.model import KnowledgeBase

__all__ = ["Found", "Reader", "Reading"]

_PUNCT = re.compile(r"[，。；！？,;!?\n]|\.(?!\d)")
_MAX_TEXT = 2000
_MASK = "＊＊＊"
_GIVER_VALUES = ("authorized", "paid_family_premium", "quota_reserved")
"""family_sharing values that make their person the giver (domain.md §6); `receiver` is the other side."""
_SYMPTOM_ORDER = (
    "zero_in_one_channel",
    "dropped_suddenly",
    "lower_than_expected",
    "cannot_use",
    "cannot_see",
    "went_to_zero",
    "always_zero",
)
"""When a message says two symptoms of the subject, the more specific one is offered (with less confidence)."""


class Reader:
    """The compiled reader for one knowledge base."""

    def __init__(self, kb: KnowledgeBase, scan: Any) -> None:
        """`scan(text) -> list of (start, end, fact, value)`: the phrase table's unnegated matches in a clause."""
        cfg = kb.reader
        self.kb, self._scan, self.cfg = kb, scan, cfg
        self.conf: dict[str, float] = dict(cfg["confidence"])
        self.threshold = float(cfg["threshold"])
        self._breaks = re.compile("|".join(cfg["clause_breaks"]), re.I)
        self._persons = Persons(cfg)
        self._account = self._persons.account
        self._zero = re.compile("|".join(cfg["zero"]), re.I)
        self._money = re.compile("|".join(cfg["money"]), re.I)
        self._elsewhere = alternation(list(cfg.get("elsewhere", ())) or ["\x00"])
        self._reply_only = set(cfg.get("reply_only", ()))
        self._shared = set(cfg.get("shared", ()))
        self._reports = set(cfg.get("reports", ()))
        self._own_looks = regex(cfg.get("own_looks", ()))
        self._own_account = regex(cfg.get("own_account", ()))
        self._goes_on = tuple(cfg.get("claim_goes_on", ()))
        self._seen_only = set(cfg.get("seen_only", ()))
        self._object_facts = set(cfg.get("object_facts", ()))
        self._other_action = regex(cfg.get("other_actions", ()))
        self._unless = [(re.compile(u["when"], re.I), u["fact"]) for u in cfg.get("unless", ())]
        self._guess = regex(cfg.get("guess", ()))
        self._also_zero = regex(cfg.get("also_zero", ()))
        past = cfg.get("past", {})
        self._past = regex(past.get("markers", ()))
        self._past_facts = set(past.get("facts", ()))
        self._past_implies = {k: v.partition(".")[::2] for k, v in past.get("implies", {}).items()}
        self._prefer: dict[str, list[str]] = {k: list(v) for k, v in cfg.get("prefer", {}).items()}
        self._recast = [
            (re.compile(r["when"], re.I), r["fact"], set(r["from"]), r["to"]) for r in cfg.get("recast", ())
        ]
        self._masks = [re.compile(m["pattern"]) for m in cfg.get("mask", ())]
        self._contrast = [
            (re.compile(r["before"], re.I), re.compile(r["after"], re.I), dict(r["sets"]), bool(r.get("wins")))
            for r in cfg.get("contrast", ())
        ]

    def mask(self, text: str) -> str:
        """`text` with personal identifiers replaced by ＊＊＊."""
        for pattern in self._masks:
            text = pattern.sub(lambda m: _masked(m), text)
        return text

    def read(self, text: str) -> Reading:
        """Read a first message."""
        masked = self.mask(text[:_MAX_TEXT])
        clauses = self._clauses(masked)
        self._claims(clauses, masked)
        subject = self._persons.subject(clauses)
        found = [
            f
            for f in self._facts(clauses, subject)
            if not any(u.search(masked) and f.fact == x for u, x in self._unless)
        ]
        named_self = any(c.person == "self" and c.named and self._account.search(c.text) for c in clauses)
        own = any(c.person in (None, "self") and self._own_account.search(c.text) for c in clauses)  # 显示我医保余额0
        whose: str | None = None
        if subject not in (None, "self"):
            whose = "family_member"
        elif named_self or own:
            whose = "self"
        if whose is not None and "viewing_whose" not in {f.fact for f in found}:
            span = next((c.text for c in clauses if c.person == subject and (c.zero or c.hits)), masked[:20])
            found.append(Found("viewing_whose", whose, span, self.conf["direct"]))
        unmatched = tuple(
            c.text.strip() for c in clauses if not (c.hits or c.zero or c.money or c.claimed) and c.text.strip()
        )
        return Reading(masked, tuple(found), whose, unmatched, self.threshold)

    # -- clauses --------------------------------------------------------------------------------

    def _clauses(self, text: str) -> list[Clause]:
        cuts = sorted(
            {
                0,
                len(text),
                *(m.start() for m in _PUNCT.finditer(text)),
                *(m.start() for m in self._breaks.finditer(text)),
            }
        )
        out: list[Clause] = []
        last_other: str | None = None
        person: str | None = None
        topic_other: str | None = None  # the last other a clause was about: 她 points there first
        for a, b in itertools.pairwise(cuts):
            part = text[a:b]
            lead = len(part) - len(part.lstrip("，。；！？,;!?.\n "))
            part_text = part[lead:]
            if not part_text.strip():
                continue
            topic, last_other, topic_other = self._persons.topic(part_text, last_other, topic_other)
            named = topic is not None
            person = topic if named else person
            hits = self._hits(part_text)
            zero = bool(self._zero.search(part_text))
            money = bool(self._money.search(part_text)) and not zero
            clause = Clause(a + lead, part_text, person, named, zero, money, hits)
            clause.ref = topic_other or last_other
            clause.to, give_at = self._persons.object(part_text, clause.ref)
            clause.given = tuple((h[0], h[1]) for h in hits if h[0] in self._object_facts and h[4] > give_at)
            clause.hits = [h for h in hits if (h[0], h[1]) not in clause.given]
            clause.also_zero = zero and self._also_zero.search(part_text) is not None
            out.append(clause)
        return out

    def _hits(self, text: str) -> list[tuple[str, str, str, bool, int]]:
        """The clause's phrase matches, without those after a guess (是不是…, 怕…) or a report's claim (朋友圈说…;
        not an official call's news), recast (突然…没了) and marked when they follow a past marker (以前…)."""
        guess = self._guess.search(text)
        cut = guess.start() if guess else len(text)
        past = self._past.search(text)
        hits = []
        found = self._scan(text)
        said = len(text)
        if not self._official(text):  # 医保局打电话说…: facts
            said = min((s for s, _, f, _ in found if f in self._reports), default=said)  # 朋友圈说…清零了: a claim
        for start, end, fact, value in found:
            if end <= cut and (start <= said or fact in self._reports):
                for when, r_fact, r_from, r_to in self._recast:
                    if fact == r_fact and value in r_from and when.search(text):
                        value = r_to
                hits.append((fact, value, text[start:end], past is not None and past.start() < start, start))
        return hits

    def _official(self, text: str) -> bool:
        """Whether the text tells of an official call or notice (reader.toml `unless` for a report fact): what it
        says is news, not a claim."""
        return any(u.search(text) and fact in self._reports for u, fact in self._unless)

    def _claims(self, clauses: list[Clause], text: str) -> None:
        """Mark what a report goes on to say: after a clause with a report (有人打电话说…), each clause that passes
        on what was said (说… / 让我…), or names nobody, does not turn (但 / 可是 …) and is not the writer's own
        look (赶紧查了一下), is the claim's content (里面的钱都没了), so its facts and its zero are not the
        writer's. An official call (`unless`) is no claim."""
        if self._official(text):
            return
        claim = False
        for c in clauses:
            goes_on = c.text.startswith(self._goes_on)
            ends = c.named or self._breaks.match(c.text) or self._own_looks.search(c.text)
            if claim and (goes_on or not ends):
                c.hits = [h for h in c.hits if h[0] in self._reports]
                c.zero = c.money = c.also_zero = False
                c.claimed = True
                continue
            claim = any(h[0] in self._reports for h in c.hits)

    # -- facts ---------------------------------------------------------------------------------------------

    def _facts(self, clauses: list[Clause], subject: str | None) -> list[Found]:
        claims: dict[str, dict[str, Found]] = {}
        past: dict[str, dict[str, Found]] = {}  # facts told as the past (以前在单位交职工医保)

        def claim(fact: str, value: str, span: str, conf: float, into: dict[str, dict[str, Found]] = claims) -> None:
            old = into.setdefault(fact, {}).get(value)
            if old is None or old.confidence < conf:
                into[fact][value] = Found(fact, value, span, conf)

        for c in clauses:
            about_subject = c.person == subject or c.person is None
            conf = self.conf["direct"] if c.named else self.conf["carried" if c.person else "unnamed"]
            for fact, value in c.given:  # 给儿子交了居民医保: the son's insurance
                if c.to == (subject or "self"):  # nobody named: the writer, as everywhere
                    claim(fact, value, c.text, conf)
                else:
                    self._about_other(c, subject, fact, value, conf, claim)
            for fact, value, _, told_past, _ in c.hits:
                if fact == "query_channel" or f"{fact}.{value}" in self._reply_only:
                    continue
                if not about_subject:
                    self._about_other(c, subject, fact, value, conf, claim)
                elif fact == "family_sharing" and c.person is None and subject not in (None, "self"):
                    continue
                elif fact == "family_sharing" and value in _GIVER_VALUES and c.to is not None and c.to == subject:
                    continue  # a giver giving to themselves: the clause's person is not the giver
                elif fact == "family_sharing" and value == "receiver" and c.to not in (None, subject):
                    claim(fact, "authorized", c.text, conf)  # 他用他的个人账户给我买药, about him: he gives
                else:
                    claim(fact, value, c.text, conf, past if told_past and fact in self._past_facts else claims)
        for fact, values in past.items():  # the past yields to the present, and may say something itself
            for f in values.values():
                if not claims.get(fact) or f.value in claims[fact]:
                    claim(fact, f.value, f.span, f.confidence)
                elif implied := self._past_implies.get(f"{fact}.{f.value}"):
                    claim(implied[0], implied[1], f.span, f.confidence)
        self._channel(clauses, claim)
        self._contrasts(clauses, subject, claims, claim)
        return self._resolve(claims)

    def _about_other(self, c: Clause, subject: str | None, fact: str, value: str, conf: float, claim: Any) -> None:
        """What a fact of someone else says about the subject: a relative's 职工医保, or 家庭共济 given to the
        subject (给我 / 给我妈 when she is the subject), which makes the subject the receiver."""
        if fact in self._shared:
            claim(fact, value, c.text, conf)
        elif fact == "insurance_type" and value in ("employee", "flexible_employee"):
            claim("relative_with_employee_insurance", "yes", c.text, conf)
        elif fact == "family_sharing" and value in (*_GIVER_VALUES, "receiver") and c.to in (subject, None):
            if c.to is not None:
                claim("family_sharing", "receiver", c.text, conf)
            claim("relative_with_employee_insurance", "yes", c.text, conf)

    def _resolve(self, claims: dict[str, dict[str, Found]]) -> list[Found]:
        """One value per fact: the only one read, the preferred one (reader.toml `prefer`), or for symptoms the
        more specific one as a guess; a fact with two values otherwise stays unknown."""
        out: list[Found] = []
        for fact, values in claims.items():
            prefer = self._prefer.get(fact, [])
            if len(values) == 1:
                out.append(next(iter(values.values())))
            elif values and set(values) <= set(prefer):
                out.append(values[next(v for v in prefer if v in values)])
            elif fact == "symptom":
                best = min(values, key=lambda v: _SYMPTOM_ORDER.index(v) if v in _SYMPTOM_ORDER else 99)
                f = values[best]
                out.append(Found(fact, best, f.span, min(f.confidence, self.conf["resolved"])))
        return out

    def _contrasts(self, clauses: list[Clause], subject: str | None, claims: dict[str, Any], claim: Any) -> None:
        """以前…现在: an earlier clause and a later one about the subject that together state a fact."""
        ours = [c for c in clauses if c.person in (subject, None)]
        for before, after, sets, wins in self._contrast:
            first = next((i for i, c in enumerate(ours) if before.search(c.text)), None)
            if first is None:
                continue
            later = next((c for c in ours[first:] if after.search(c.text)), None)
            if later is None:
                continue
            for fact, value in sets.items():
                if wins:  # 前几天还有一千多，今天变成0: the contrast says more than the words of either clause
                    claims.pop(fact, None)
                if not claims.get(fact):
                    claim(fact, value, f"{ours[first].text}…{later.text}", self.conf["carried"])

    def _channel(self, clauses: list[Clause], claim: Any) -> None:
        """Where the 0 was seen: a channel in a clause with a zero, told from one mentioned with money."""
        channels = [(c, h[1]) for c in clauses for h in c.hits if h[0] == "query_channel"]
        channels = [(c, v) for c, v in channels if c.zero or c.money or not self._other_action.search(c.text)]
        if not channels:
            return
        for c, n in itertools.pairwise(clauses):  # 用掌上12333查，那一栏是0: the 0 of the next clause
            if not (c.zero or c.money) and n.zero and not any(h[0] == "query_channel" for h in n.hits):
                c.zero = any(h[0] == "query_channel" for h in c.hits)
        channels = [(c, v) for c, v in channels if v not in self._seen_only or c.zero or c.money]
        zero = {v for c, v in channels if c.zero}
        told = any(c.money and self._elsewhere.search(c.text) for c in clauses)  # 药店说卡里有钱, 药店能刷
        elsewhere = {v for c, v in channels if c.money} | ({"money"} if told else set())
        if len(zero) == 1:
            value = next(iter(zero))
            span = next(c.text for c, v in channels if v == value and c.zero)
            echoed = any(c.also_zero for c in clauses)  # 也是0: another place, maybe unnamed, showed 0 too
            claim("query_channel", value, span, self.conf["resolved" if echoed else "direct"])
            if elsewhere - {value}:
                claim("symptom", "zero_in_one_channel", span, self.conf["comparison"])
            return
        plain = {v for c, v in channels if not c.money}
        if len(plain) == 1 and not zero:  # named, but no 0 seen there: sure only if a symptom is read with it
            value = next(iter(plain))
            clause = next(c for c, v in channels if v == value)
            seen = any(h[0] == "symptom" for h in clause.hits)
            claim("query_channel", value, clause.text, self.conf["carried" if seen else "resolved"])


def _masked(m: re.Match[str]) -> str:
    if "id" in m.re.groupindex and m.group("id") is not None:
        s, e = m.span("id")
        whole = m.group()
        return whole[: s - m.start()] + _MASK + whole[e - m.start() :]
    return _MASK
