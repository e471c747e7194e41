"""The terminal UI with rich: the question loop and the rendered diagnosis. Only the CLI imports this."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, Group
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text as RichText

from ._strings import STRINGS
from .consultation import Consultation, Question
from .diagnosis import CauseResult, Diagnosis
from .model import KnowledgeBase

__all__ = ["ask_loop", "render"]

_BACK = {"b", "back", "返回", "上一题"}
_WHY = {"?", "？", "为什么", "why"}
_DONT_KNOW = {"0", "不知道", "不清楚", "dk", "don't know", "dont know"}


def _parse(question: Question, line: str) -> str | None:
    """Map a typed line to a value id; "" for don't know. Raises ValueError when it cannot."""
    text = line.strip()
    if text.lower() in _DONT_KNOW:
        return ""
    if text.isdigit() and 1 <= int(text) <= len(question.choices):
        return question.choices[int(text) - 1].id
    for choice in question.choices:
        if text.lower() in (choice.id, choice.label.zh.lower(), choice.label.en.lower()):
            return choice.id
    raise ValueError(text)


def _show_question(console: Console, question: Question, number: int, lang: str) -> None:
    s = STRINGS[lang]
    body = RichText()
    body.append(question.text.get(lang) + "\n", style="bold")
    body.append(question.help.get(lang) + "\n\n", style="dim")
    for i, choice in enumerate(question.choices, 1):
        body.append(f"  {i}. {choice.label.get(lang)}\n")
    body.append(f"  0. {s['dont_know']}\n")
    console.print(Panel(body, title=f"{s['question']} {number}", title_align="left", subtitle=s["choose_hint"]))


def ask_loop(consultation: Consultation, console: Console, read: Callable[[str], str], lang: str) -> None:
    """Ask questions until none can change the diagnosis. EOFError and KeyboardInterrupt propagate."""
    s = STRINGS[lang]
    titles = {cid: c.title for cid, c in consultation.kb.causes.items()}
    while (question := consultation.next_question()) is not None:
        _show_question(console, question, len(consultation.answers) + 1, lang)
        while True:
            line = read("> ")
            key = line.strip().lower()
            if key in _WHY:
                lines = consultation.why(question.id).render(lang, titles)
                console.print(Panel("\n".join(lines), title=s["why_title"], title_align="left", border_style="cyan"))
                continue
            if key in _BACK:
                if consultation.answers:
                    undone = consultation.undo()
                    console.print(s["went_back"].format(question=consultation.kb.facts[undone].question.get(lang)))
                else:
                    console.print(s["at_start"])
                break
            try:
                value = _parse(question, line)
            except ValueError:
                console.print(s["invalid_choice"].format(text=line.strip(), n=len(question.choices)), style="yellow")
                continue
            consultation.answer(question.id, value or None)
            break
    console.print(s["no_questions"], style="dim")


def _cause_panel(cause: CauseResult, lang: str, kb: KnowledgeBase) -> Panel:
    s = STRINGS[lang]
    c = cause.cause
    parts: list[object] = [RichText(c.explanation.get(lang))]
    if c.regional_note is not None:
        parts.append(RichText(f"⚠ {s['regional']}: {c.regional_note.get(lang)}", style="yellow"))
    how = RichText(f"{s['how']}\n", style="bold")
    for top in cause.because:
        for depth, reason in top.walk():
            how.append("  " * (depth + 1) + "• " + reason.describe(lang) + "\n", style="dim" if depth else "")
    if cause.unknown:
        names = ", ".join(kb.describe(f).label.get(lang) for f in cause.unknown)
        how.append(f"  • {s['still_unknown']}: {names}\n", style="italic")
    parts.append(how)
    steps = RichText(f"{s['verify']}\n", style="bold")
    for t in c.verify:
        steps.append(f"  • {t.get(lang)}\n", style="")
    steps.append(f"{s['steps']}\n", style="bold")
    for i, t in enumerate(c.steps, 1):
        steps.append(f"  {i}. {t.get(lang)}\n", style="")
    steps.append(f"{s['contacts']}\n", style="bold")
    for ch in c.contacts:
        steps.append(f"  ☎ {ch.name.get(lang)}", style="green")
        steps.append(f" — {ch.detail.get(lang)}\n", style="")
    parts.append(steps)
    parts.append(RichText(f"{s['sources']}: " + "; ".join(c.sources), style="dim"))
    status = s["status_confirmed"] if cause.status == "confirmed" else s["status_possible"]
    style = "green" if cause.status == "confirmed" else "yellow"
    return Panel(Group(*parts), title=f"[{style}]{status}[/] {c.title.get(lang)}", title_align="left", border_style=style)


def render(console: Console, result: Diagnosis, lang: str, kb: KnowledgeBase) -> None:
    """Print a diagnosis the way a person wants to read it: confirmed causes, then possible ones."""
    s = STRINGS[lang]
    for message in result.warnings:
        console.print(Panel(message.text.get(lang), title=s["warnings"], title_align="left", border_style="red"))
    for heading, group in ((s["confirmed"], result.confirmed), (s["possible"], result.possible)):
        if group:
            console.print(Rule(heading))
            for cause in group:
                console.print(_cause_panel(cause, lang, kb))
    if result.fallback is not None:
        fb = result.fallback
        body = RichText(fb.explanation.get(lang) + "\n\n")
        for i, t in enumerate(fb.steps, 1):
            body.append(f"{i}. {t.get(lang)}\n")
        for ch in fb.contacts:
            body.append(f"☎ {ch.name.get(lang)} — {ch.detail.get(lang)}\n", style="green")
        console.print(Panel(body, title=fb.title.get(lang), title_align="left", border_style="yellow"))
    for message in result.notes:
        console.print(Panel(message.text.get(lang), title=s["notes"], title_align="left", border_style="blue"))
