"""The terminal UI with rich: the question loop and the rendered diagnosis. Only the CLI imports this."""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.tree import Tree
from rich.text import Text as RichText

from ._strings import STRENGTHS, STRINGS
from .consultation import Consultation, Question
from .diagnosis import CauseResult, Diagnosis, Evidence
from .model import Channel, KnowledgeBase, Text

__all__ = ["ask_loop", "render"]

_BACK = {"b", "back", "返回", "上一题"}
_WHY = {"?", "？", "为什么", "why"}
def _show_question(console: Console, question: Question, number: int, lang: str) -> None:
    s = STRINGS[lang]
    body = RichText()
    body.append(_txt(question.text, lang) + "\n", style="bold")
    body.append(_txt(question.help, lang) + "\n\n", style="dim")
    for i, choice in enumerate(question.choices, 1):
        body.append(f"  {i}. {_txt(choice.label, lang)}\n")
    body.append(f"  0. {s['dont_know']}\n")
    console.print(Panel(body, title=f"{s['question']} {number}", title_align="left", subtitle=s["choose_hint"]))


def ask_loop(consultation: Consultation, console: Console, read: Callable[[str], str], lang: str) -> None:
    """Ask questions until none can change the diagnosis. EOFError and KeyboardInterrupt propagate."""
    s = STRINGS[lang]
    titles = {cid: c.title for cid, c in consultation.kb.causes.items()}
    while (question := consultation.next_question()) is not None:
        _show_question(console, question, consultation.asked + 1, lang)
        while True:
            line = read("> ")
            key = line.strip().lower()
            if key in _WHY:
                lines = consultation.why(question.id).render(lang, titles)
                rows = [("•", _t(line, lang), "") for line in lines]
                console.print(Panel(_items(rows), title=s["why_title"], title_align="left", border_style="cyan"))
                continue
            if key in _BACK:
                if consultation.answers:
                    undone = consultation.undo()
                    console.print(s["went_back"].format(question=_txt(consultation.kb.facts[undone].question, lang)))
                else:
                    console.print(s["at_start"])
                break
            # The same reading as a helpdesk bot's: numbers, 0/不知道, labels, synonyms, 是/没有, 我去查一下.
            kind = consultation.answer_text(line).kind
            if kind == "choose":
                console.print(s["invalid_choice"].format(text=line.strip(), n=len(question.choices)), style="yellow")
                continue
            if kind == "later":
                console.print(s["deferred"], style="dim")
            break
    reason = consultation.stop_reason
    console.print(s["stop_cap"] if reason == "cap" else s["stop_no_evidence"] if reason == "no_evidence" else s["no_questions"], style="dim")


# Rich breaks lines only at spaces, so a space inside Chinese text ("国家医保服务平台 App 查…") pushes the whole
# run after it to a new line. Chinese needs no such spaces: drop those next to a CJK character.
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]+|[ \t]+(?=[\u3000-\u9fff\uff00-\uffef])")


def _t(text: str, lang: str) -> str:
    return _CJK_SPACE.sub("", text) if lang == "zh" else text


def _txt(text: Text, lang: str) -> str:
    return _t(text.get(lang), lang)


def _items(rows: list[tuple[str, str, str]]) -> Table:
    """A hanging-indent list: (indent+marker, text, style) rows that wrap under their own text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for marker, text, style in rows:
        grid.add_row(marker, RichText(text, style=style))
    return grid


def _contact(channel: Channel, lang: str) -> str:
    sep = "：" if lang == "zh" else " — "
    return f"{_txt(channel.name, lang)}{sep}{_txt(channel.detail, lang)}"


def _heading(text: str) -> RichText:
    return RichText(text, style="bold")


def _evidence_line(item: Evidence, lang: str) -> str:
    """One signal as a line: direction and weight, then the answers behind it."""
    s = STRINGS[lang]
    sep = "；" if lang == "zh" else "; "
    facts = sep.join(r.describe(lang) for r in item.because if not r.derived) or sep.join(
        r.describe(lang) for r in item.because
    )
    strength = STRENGTHS[lang].get(item.strength, item.strength)
    if lang == "zh":
        return f"{s[item.direction]}（{strength}，{item.weight:+.1f}）：{facts}"
    return f"{s[item.direction]} ({strength}, {item.weight:+.1f}): {facts}"


def _how(cause: CauseResult, lang: str) -> Tree:
    """The HOW explanation as a tree: each signal that moved the cause, with the answers and inferences behind it."""
    s = STRINGS[lang]
    tree = Tree(_heading(s["how"]), guide_style="dim")
    for item in cause.evidence:
        node = tree.add(RichText(_t(_evidence_line(item, lang), lang), style="" if item.weight > 0 else "dim"))
        for reason in item.because:
            if reason.derived:
                for depth, inner in reason.walk():
                    if depth:
                        node.add(RichText(_t(inner.describe(lang), lang), style="dim"))
    return tree


def _cause_panel(cause: CauseResult, lang: str, *, brief: bool) -> Panel:
    """One cause: what it is, how we got there, how to check, and (unless brief) what to do and whom to call."""
    s = STRINGS[lang]
    c = cause.cause
    parts: list[RenderableType] = [RichText(_txt(c.explanation, lang))]
    if c.regional_note is not None:
        parts.append(RichText(f"⚠ {s['regional']}{'：' if lang == 'zh' else ': '}{_txt(c.regional_note, lang)}", style="yellow"))
    parts.append(_how(cause, lang))
    parts += [_heading(s["verify"]), _items([("•", _txt(t, lang), "") for t in c.verify])]
    if not brief:
        parts += [_heading(s["steps"]), _items([(f"{i}.", _txt(t, lang), "") for i, t in enumerate(c.steps, 1)])]
        parts += [
            _heading(s["contacts"]),
            _items([("☎", _contact(ch, lang), "") for ch in c.contacts]),
            RichText(f"{s['sources']}: " + ("；" if lang == "zh" else "; ").join(c.sources), style="dim"),
        ]
    style = "green" if cause.status in ("confirmed", "likely") else "yellow"
    title = f"[{style}]{_txt(cause.strength, lang)}[/] {_txt(c.title, lang)}"
    return Panel(Group(*parts), title=title, title_align="left", border_style=style)


def render(console: Console, result: Diagnosis, lang: str, kb: KnowledgeBase) -> None:
    """Print a diagnosis the way a person wants to read it: the most likely cause in full, the other main causes
    briefly, then one line for each cause also worth checking."""
    s = STRINGS[lang]
    for message in result.warnings:
        console.print(Panel(_txt(message.text, lang), title=s["warnings"], title_align="left", border_style="red"))
    if result.causes:
        console.print(Rule(s["main"]))
        for i, cause in enumerate(result.causes):
            console.print(_cause_panel(cause, lang, brief=i > 0))
    if result.also:
        console.print(Rule(s["also"]))
        rows = [("•", f"{_txt(c.title, lang)}（{_txt(c.strength, lang)}）" if lang == "zh" else f"{c.title.en} ({c.strength.en})", "") for c in result.also]
        console.print(_items(rows))
    if result.fallback is not None:
        fb = result.fallback
        body = Group(
            RichText(_txt(fb.explanation, lang)),
            _items([(f"{i}.", _txt(t, lang), "") for i, t in enumerate(fb.steps, 1)]),
            _items([("☎", _contact(ch, lang), "") for ch in fb.contacts]),
        )
        console.print(Panel(body, title=_txt(fb.title, lang), title_align="left", border_style="yellow"))
    for message in result.notes:
        console.print(Panel(_txt(message.text, lang), title=s["notes"], title_align="left", border_style="blue"))
