"""A consultation written out as Markdown: the questions, the answers and the result. Returns text; no I/O.

It holds only the answers to the knowledge base's questions, so it never contains a personal identifier.
"""

from __future__ import annotations

from collections.abc import Mapping

from .diagnosis import Diagnosis
from .model import KnowledgeBase
from ._strings import STRENGTHS, STRINGS

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
    if result.causes:
        lines += [f"### {s['main']}", ""]
        for cause in result.causes:
            lines += [f"#### {cause.title.get(lang)} ({cause.strength.get(lang)})", "", cause.cause.explanation.get(lang), ""]
            if cause.cause.regional_note:
                lines += [f"> {cause.cause.regional_note.get(lang)}", ""]
            lines.append(f"**{s['how']}**")
            for item in cause.evidence:
                strength = STRENGTHS[lang].get(item.strength, item.strength)
                lines.append(f"- {s[item.direction]} ({strength}, {item.weight:+.1f})")
                lines += ["  " * (depth + 1) + f"- {r.describe(lang)}" for top in item.because for depth, r in top.walk()]
            lines += ["", f"**{s['verify']}**"]
            lines += [f"- {t.get(lang)}" for t in cause.cause.verify]
            lines += ["", f"**{s['steps']}**"]
            lines += [f"{i}. {t.get(lang)}" for i, t in enumerate(cause.cause.steps, 1)]
            lines += ["", f"**{s['contacts']}**"]
            lines += [f"- {c.name.get(lang)}: {c.detail.get(lang)}" for c in cause.cause.contacts]
            lines += ["", f"{s['sources']}: " + "; ".join(cause.cause.sources), ""]
    if result.also:
        lines += [f"### {s['also']}", ""]
        lines += [f"- {c.title.get(lang)} ({c.strength.get(lang)})" for c in result.also]
        lines.append("")
    if result.fallback is not None:
        fb = result.fallback
        lines += [f"### {fb.title.get(lang)}", "", fb.explanation.get(lang), ""]
        lines += [f"{i}. {t.get(lang)}" for i, t in enumerate(fb.steps, 1)]
        lines += [""] + [f"- {c.name.get(lang)}: {c.detail.get(lang)}" for c in fb.contacts] + [""]
    for heading, messages in ((s["warnings"], result.warnings), (s["notes"], result.notes)):
        if messages:
            lines += [f"### {heading}", ""] + [f"- {m.text.get(lang)}" for m in messages] + [""]
    return "\n".join(lines).rstrip() + "\n"
