"""A consultation written out as Markdown: the questions, the answers and the result. Returns text; no I/O.

It holds only the answers to the knowledge base's questions, so it never contains a personal identifier.
"""

from __future__ import annotations

from collections.abc import Mapping

from .diagnosis import Diagnosis
from .model import KnowledgeBase
from ._strings import STRINGS

__all__ = ["to_markdown"]


def to_markdown(kb: KnowledgeBase, answers: Mapping[str, str | None], result: Diagnosis, lang: str = "zh") -> str:
    """Return the consultation as a Markdown document in `lang`."""
    s = STRINGS[lang]
    lines = [f"# {s['transcript_title']}", "", f"{s['kb_version']}: {result.knowledge_version}", "", f"## {s['answers']}", ""]
    if not answers:
        lines.append(f"- {s['no_answers']}")
    for n, (fact_id, value) in enumerate(answers.items(), 1):
        fact = kb.facts[fact_id]
        shown = s["dont_know"] if value is None else (value if fact.free_text else fact.value(value).label.get(lang))
        lines.append(f"{n}. {fact.question.get(lang)}  \n   **{s['answer']}:** {shown}")
    lines += ["", f"## {s['result']}", ""]
    for heading, group in ((s["confirmed"], result.confirmed), (s["possible"], result.possible)):
        if not group:
            continue
        lines += [f"### {heading}", ""]
        for cause in group:
            lines += [f"#### {cause.title.get(lang)}", "", cause.cause.explanation.get(lang), ""]
            if cause.cause.regional_note:
                lines += [f"> {cause.cause.regional_note.get(lang)}", ""]
            lines.append(f"**{s['how']}**")
            lines += ["  " * depth + f"- {r.describe(lang)}" for top in cause.because for depth, r in top.walk()]
            if cause.unknown:
                open_facts = ", ".join(kb.describe(f).label.get(lang) for f in cause.unknown)
                lines.append(f"- {s['still_unknown']}: {open_facts}")
            lines += ["", f"**{s['verify']}**"]
            lines += [f"- {t.get(lang)}" for t in cause.cause.verify]
            lines += ["", f"**{s['steps']}**"]
            lines += [f"{i}. {t.get(lang)}" for i, t in enumerate(cause.cause.steps, 1)]
            lines += ["", f"**{s['contacts']}**"]
            lines += [f"- {c.name.get(lang)}: {c.detail.get(lang)}" for c in cause.cause.contacts]
            lines += ["", f"{s['sources']}: " + "; ".join(cause.cause.sources), ""]
    if result.fallback is not None:
        fb = result.fallback
        lines += [f"### {fb.title.get(lang)}", "", fb.explanation.get(lang), ""]
        lines += [f"{i}. {t.get(lang)}" for i, t in enumerate(fb.steps, 1)]
        lines += [""] + [f"- {c.name.get(lang)}: {c.detail.get(lang)}" for c in fb.contacts] + [""]
    for heading, messages in ((s["warnings"], result.warnings), (s["notes"], result.notes)):
        if messages:
            lines += [f"### {heading}", ""] + [f"- {m.text.get(lang)}" for m in messages] + [""]
    return "\n".join(lines).rstrip() + "\n"
