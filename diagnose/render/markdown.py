"""A consultation written out as Markdown: the questions, the answers and the result. Returns text; no I/O.

It holds only the answers to the knowledge base's questions, so it never contains a personal identifier.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from diagnose.inference.result import Diagnosis
from diagnose.knowledge.model import KnowledgeBase
from diagnose.render.sections import Section, sections
from diagnose.render.strings import STRINGS

__all__ = ["to_markdown"]

_MARKUP = re.compile(r"[\\`*_\[\]<>#|]")


def to_markdown(kb: KnowledgeBase, answers: Mapping[str, str | None], result: Diagnosis, lang: str = "zh") -> str:
    """Return the consultation as a Markdown document in `lang`."""
    s = STRINGS[lang]
    lines = [
        f"# {s['transcript_title']}",
        "",
        f"{s['kb_version']}: {result.knowledge_version}",
        "",
        f"## {s['answers']}",
        "",
    ]
    if not answers:
        lines.append(f"- {s['no_answers']}")
    for n, (fact_id, value) in enumerate(answers.items(), 1):
        fact = kb.facts[fact_id]
        shown = (
            s["dont_know"] if value is None else (_md(value) if fact.free_text else fact.value(value).label.get(lang))
        )
        lines.append(f"{n}. {fact.question.get(lang)}  \n   **{s['answer']}:** {shown}")
    lines += ["", f"## {s['result']}", ""]
    group = None
    for section in sections(result, lang, kb.replies):
        if section.group != group:
            lines += [f"### {_md(section.group)}", ""]
            group = section.group
        if section.kind in ("warning", "note"):
            lines += [f"- {_md(section.text)}", ""]
        elif section.kind == "also":
            lines += [f"- {_md(section.title)} ({_md(section.strength or '')})", ""]
        else:
            lines += _block(section, lang)
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    """Text as Markdown that shows literally: no control characters, no markup from the knowledge base."""
    clean = "".join(ch for ch in text if ch.isprintable() or ch == " ")
    return _MARKUP.sub(r"\\\g<0>", clean)


def _block(section: Section, lang: str) -> list[str]:
    s = STRINGS[lang]
    out = []
    if section.kind == "cause":
        out += [f"#### {_md(section.title)} ({_md(section.strength or '')})", ""]
    out += [_md(section.text), ""]
    if section.regional:
        out += [f"> {_md(section.regional)}", ""]
    if section.how:
        out.append(f"**{s['how']}**")
        out += ["  " * line.depth + f"- {_md(line.text)}" for line in section.how]
        out.append("")
    for key, items, numbered in (
        ("verify", section.verify, False),
        ("steps", section.steps, True),
        ("contacts", section.contacts, False),
    ):
        if items:
            if section.kind == "cause":
                out.append(f"**{s[key]}**")
            out += [f"{i}. {_md(x)}" if numbered else f"- {_md(x)}" for i, x in enumerate(items, 1)]
            out.append("")
    if section.sources:
        out += [f"{s['sources']}: " + "; ".join(_md(x) for x in section.sources), ""]
    return out
