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


def to_markdown(
    kb: KnowledgeBase,
    answers: Mapping[str, str | None],
    result: Diagnosis,
    lang: str = "zh",
    checklists: Mapping[str, tuple[tuple[str, ...] | None, tuple[str, ...], str | None]] | None = None,
) -> str:
    """Return the consultation as a Markdown document in `lang`; `checklists` (Consultation.checklists) shows each
    checklist answered as the one question it was, in place of the facts its answer recorded."""
    s = STRINGS[lang]
    lines = [
        f"# {s['transcript_title']}",
        "",
        f"{s['kb_version']}: {result.knowledge_version}",
        "",
        f"## {s['answers']}",
        "",
    ]
    checklists = checklists or {}
    if not answers and not checklists:
        lines.append(f"- {s['no_answers']}")
    asked: list[tuple[str, str]] = [(c, "") for c, (_, facts, after) in checklists.items() if not facts and not after]
    by_fact = {f: c for c, (_, facts, _) in checklists.items() for f in facts}
    for fact_id, value in answers.items():
        if fact_id in by_fact:
            if (by_fact[fact_id], "") not in asked:
                asked.append((by_fact[fact_id], ""))
            continue
        fact = kb.facts[fact_id]
        shown = (
            s["dont_know"] if value is None else (_md(value) if fact.free_text else fact.value(value).label.get(lang))
        )
        asked.append((fact.question.get(lang), shown))
        asked += [(c, "") for c, (_, facts, after) in checklists.items() if not facts and after == fact_id]
    for n, (question, shown) in enumerate(asked, 1):
        if question in checklists:
            checklist, picked = kb.checklists[question], checklists[question][0]
            question = checklist.question.get(lang)
            labels = [checklist.value(o).label.get(lang) for o in picked or ()]
            said = ("；" if lang == "zh" else "; ").join(labels) or s["none_of_these"]
            shown = s["dont_know"] if picked is None else said
        lines.append(f"{n}. {question}  \n   **{s['answer']}:** {shown}")
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
