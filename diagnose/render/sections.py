"""The one renderer: a diagnosis as ordered sections of plain text in one language.

The terminal, the Markdown transcript, `--json` and the example bot all present these sections, in this order,
and only style them:

1. warnings (answers that contradict each other);
2. the most likely cause, in full: what it means, how we know, how to check, what to do, whom to call, sources;
3. "also possible": the other main causes and those also worth checking, at most three, one line each;
4. the fallback, when no cause has evidence;
5. "good to know": the reassurance notes, and whom to turn to if none of it fits.

Every word comes from the knowledge base or render/strings.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from diagnose.consult.session import Why
from diagnose.inference.result import CauseResult, Diagnosis, Evidence, Reason
from diagnose.knowledge.model import Channel, Replies, Text
from diagnose.render.strings import STRENGTHS, STRINGS

__all__ = ["HowLine", "Section", "describe", "sections", "to_json", "why_lines"]

Kind = Literal["warning", "cause", "also", "fallback", "note"]

ALSO_MAX = 3
"""At most this many other causes, one line each, after the most likely one."""


@dataclass(frozen=True, slots=True)
class HowLine:
    """One line of the HOW explanation: a signal (depth 0) or an inference behind it (depth 1 and more)."""

    text: str
    depth: int
    supports: bool


@dataclass(frozen=True, slots=True)
class Section:
    """One block of the result screen. `group` is the heading of the run of sections it belongs to."""

    kind: Kind
    group: str
    title: str
    strength: str | None = None
    status: str | None = None
    full: bool = False
    text: str = ""
    regional: str | None = None
    how: tuple[HowLine, ...] = ()
    verify: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


def describe(reason: Reason, lang: str) -> str:
    """One step of HOW as a line, e.g. "医保类型：城乡居民医保", or an inference and why it holds."""
    s = STRINGS[lang]
    if reason.explain is None:
        return s["fact_line"].format(label=reason.label.get(lang), value=reason.value_label.get(lang))
    return s["inferred_line"].format(
        label=reason.label.get(lang), value=reason.value_label.get(lang), why=reason.explain.get(lang)
    )


def _evidence(item: Evidence, lang: str) -> list[HowLine]:
    s = STRINGS[lang]
    answers = [describe(r, lang) for r in item.because if not r.derived] or [describe(r, lang) for r in item.because]
    head = s["evidence_line"].format(
        direction=s[item.direction],
        strength=STRENGTHS[lang].get(item.strength, item.strength),
        weight=f"{item.weight:+.1f}",
        facts=s["list_sep"].join(answers),
    )
    lines = [HowLine(head, 0, item.weight > 0)]
    for reason in item.because:
        if reason.derived:
            for depth, inner in reason.walk():
                if depth:
                    lines.append(HowLine(describe(inner, lang), depth, item.weight > 0))
    return lines


def _contact(channel: Channel, lang: str) -> str:
    return STRINGS[lang]["contact_line"].format(name=channel.name.get(lang), detail=channel.detail.get(lang))


def _cause(cause: CauseResult, lang: str, say: Callable[[Text], str], *, full: bool) -> Section:
    s, c = STRINGS[lang], cause.cause
    return Section(
        kind="cause",
        group=s["main"],
        title=say(c.title),
        strength=cause.strength.get(lang),
        status=cause.status,
        full=full,
        text=say(c.explanation),
        regional=say(c.regional_note) if c.regional_note else None,
        how=tuple(line for item in cause.evidence for line in _evidence(item, lang)),
        verify=tuple(say(t) for t in c.verify),
        steps=tuple(say(t) for t in c.steps) if full else (),
        contacts=tuple(_contact(ch, lang) for ch in c.contacts) if full else (),
        sources=tuple(x.get(lang) for x in c.citizen_sources) if full else (),
    )


def sections(result: Diagnosis, lang: str, replies: Replies | None = None) -> list[Section]:
    """The result screen in `lang` ("zh" or "en"), in the order of the module doc. With the knowledge base's
    `replies`, texts that hedge "您（或您要查的家人）" say whom they mean once the answers tell."""
    s = STRINGS[lang]
    say = _sayer(result, lang, replies)
    out = [Section("warning", s["warnings"], s["warnings"], text=say(m.text)) for m in result.warnings]
    out += [_cause(cause, lang, say, full=True) for cause in result.causes[:1]]
    others = _others(result)
    # "also possible" would undersell a second cause the answers settle just as well (a bank reading beside a
    # tier that builds no account): then the group says that other causes were found
    group = s["also_found"] if any(c.status in ("confirmed", "likely") for c in others) else s["also"]
    out += [Section("also", group, say(c.title), strength=c.strength.get(lang), status=c.status) for c in others]
    fb = result.fallback
    if fb is not None:
        out.append(
            Section(
                "fallback",
                fb.title.get(lang),
                fb.title.get(lang),
                text=say(fb.explanation),
                steps=tuple(say(t) for t in fb.steps),
                contacts=tuple(_contact(ch, lang) for ch in fb.contacts),
            )
        )
    out += [Section("note", s["notes"], s["notes"], text=say(m.text)) for m in result.notes]
    if result.causes:
        out.append(Section("note", s["notes"], s["notes"], text=s["none_fits"]))
    return out


def _sayer(result: Diagnosis, lang: str, replies: Replies | None) -> Callable[[Text], str]:
    whose = result.facts.get("viewing_whose")

    def say(text: Text) -> str:
        return (replies.personal(text, whose) if replies is not None else text).get(lang)

    return say


def _others(result: Diagnosis) -> tuple[CauseResult, ...]:
    return (*result.causes[1:], *result.also)[:ALSO_MAX]


def expand(result: Diagnosis, number: int, lang: str, replies: Replies | None = None) -> Section | None:
    """The full section of the `number`-th "also possible" cause (from 1), or None when there is no such one."""
    others = _others(result)
    if not 1 <= number <= len(others):
        return None
    return _cause(others[number - 1], lang, _sayer(result, lang, replies), full=True)


def to_json(result: Diagnosis, replies: Replies | None = None) -> dict[str, Any]:
    """The diagnosis as JSON-safe data (Diagnosis.to_dict()) plus the sections a screen shows, in zh and en."""
    return {
        **result.to_dict(),
        "sections": {lang: [asdict(x) for x in sections(result, lang, replies)] for lang in ("zh", "en")},
    }


def why_lines(why: Why, lang: str, titles: Mapping[str, Text]) -> list[str]:
    """Why a question matters now, in one plain sentence: what the two most telling answers would show (settle,
    point to or rule out a cause, named by its title)."""
    s = STRINGS[lang]
    ranked = sorted(why.effects, key=lambda e: -(2 * len(e.confirms) + len(e.raises) + len(e.rules_out)))
    parts: list[str] = []
    named: set[str] = set()
    for effect in ranked:
        if len(parts) == 2:
            break
        for ids, key in (
            (effect.confirms, "why_confirms"),
            (effect.raises, "why_points_to"),
            (effect.rules_out, "why_rules_out"),
        ):
            fresh = [c for c in ids if c not in named]
            if fresh:
                answer = why.fact.value(effect.value).label.get(lang)
                parts.append(s[key].format(answer=answer, cause=titles[fresh[0]].get(lang)))
                named.add(fresh[0])
                break
    if not parts:
        return [s["why_none"]]
    return [s["why_intro"] + s["effect_sep"].join(parts) + s["why_end"]]
