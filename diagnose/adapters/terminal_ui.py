"""The terminal front end with rich: the question loop and the rendered sections. Only the CLI imports this."""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text as RichText
from rich.tree import Tree

from diagnose.consult.session import Consultation, Question
from diagnose.inference.result import Diagnosis
from diagnose.knowledge.model import Replies, Text
from diagnose.render.sections import Section, expand, sections, why_lines
from diagnose.render.strings import STRINGS

__all__ = ["ask_loop", "render"]

_BACK = {"b", "back", "返回", "上一题"}
_SUB_WIDTH = 64
"""Terminal cells a line of a checklist option's sub-choices may take (the panel is 80 wide)."""
_WHY = {"?", "？", "为什么", "why"}


def _show_question(console: Console, question: Question, number: int, lang: str) -> None:
    s = STRINGS[lang]
    body = RichText()
    body.append(_txt(question.text, lang) + "\n", style="bold")
    body.append(_txt(question.help, lang) + "\n\n", style="dim")
    for i, choice in enumerate(question.choices, 1):
        body.append(f"  {i}. {_txt(choice.label, lang)}\n")
        subs = [f"{i}{chr(ord('a') + k)}. {_txt(x.label, lang)}" for k, x in enumerate(question.sub_choices(choice.id))]
        line = ""
        for sub in subs:  # an option of several values: each value at once (6a, 6b, …), lines kept short
            if line and cell_len(line + sub) > _SUB_WIDTH:
                body.append(f"     {line.rstrip()}\n", style="dim")
                line = ""
            line += sub + "  "
        if line:
            body.append(f"     {line.rstrip()}\n", style="dim")
    body.append(f"  0. {s['none_of_these' if question.multiple else 'dont_know']}\n")
    hint = s["choose_many_hint" if question.multiple else "choose_hint"]
    console.print(Panel(body, title=f"{s['question']} {number}", title_align="left", subtitle=hint))


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
                lines = why_lines(consultation.why(question.id), lang, titles)
                rows = [("•", _t(line, lang), "") for line in lines]
                console.print(Panel(_items(rows), title=s["why_title"], title_align="left", border_style="cyan"))
                continue
            if key in _BACK:
                if consultation.answers or consultation.asked:
                    undone = consultation.undo()
                    kb = consultation.kb
                    asked = kb.checklists[undone] if undone in kb.checklists else kb.facts[undone]
                    console.print(s["went_back"].format(question=_txt(asked.question, lang)))
                else:
                    console.print(s["at_start"])
                break
            # The same reading as a helpdesk bot's: numbers, 0/不知道, labels, synonyms, 是/没有, 我去查一下.
            kind = consultation.answer_text(line).kind
            if kind == "choose":
                said = escape(line.strip()[:40])  # what the person typed is shown literally, never as rich markup
                invalid = s["invalid_choices" if question.multiple else "invalid_choice"]
                console.print(invalid.format(text=said, n=len(question.choices)), style="yellow")
                continue
            if kind == "later":
                console.print(s["deferred"], style="dim")
            break
    reason = consultation.stop_reason
    console.print(
        s["stop_cap"] if reason == "cap" else s["stop_no_evidence"] if reason == "no_evidence" else s["no_questions"],
        style="dim",
    )
    left_open = consultation.left_open if reason == "cap" else ()
    if left_open:  # what would settle it: the questions still worth finding out
        console.print(s["left_open"])
        console.print(_items([("  •", _txt(q.text, lang), "") for q in left_open]))


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


def _heading(text: str) -> RichText:
    return RichText(text, style="bold")


def _how(section: Section, lang: str) -> Tree:
    """The HOW explanation as a tree: each signal that moved the cause, the inferences behind it beneath."""
    tree = Tree(_heading(STRINGS[lang]["how"]), guide_style="dim")
    parents = [tree]
    for line in section.how:
        del parents[line.depth + 1 :]
        node = parents[-1].add(RichText(_t(line.text, lang), style="" if line.supports and not line.depth else "dim"))
        parents.append(node)
    return tree


def _panel(section: Section, lang: str) -> Panel:
    """A cause or the fallback: what it means, how we know, how to check, what to do and whom to call."""
    s = STRINGS[lang]
    parts: list[RenderableType] = [RichText(_t(section.text, lang))]
    if section.regional:
        parts.append(
            RichText(_t(f"⚠ {s['regional']}{'：' if lang == 'zh' else ': '}{section.regional}", lang), style="yellow")
        )
    if section.how:
        parts.append(_how(section, lang))
    for heading, marker, items in (
        ("verify", "•", section.verify),
        ("steps", "#", section.steps),
        ("contacts", "☎", section.contacts),
    ):
        if items:
            if section.kind == "cause":
                parts.append(_heading(s[heading]))
            parts.append(
                _items([(f"{i}." if marker == "#" else marker, _t(x, lang), "") for i, x in enumerate(items, 1)])
            )
    if section.sources:
        parts.append(RichText(f"{s['sources']}: " + s["list_sep"].join(section.sources), style="dim"))
    if section.kind == "fallback":
        return Panel(Group(*parts), title=_t(section.title, lang), title_align="left", border_style="yellow")
    style = "green" if section.status in ("confirmed", "likely") else "yellow"
    # The cause's title is the body's first line, where it wraps; a panel title would be cut at the edge.
    parts.insert(0, RichText(_t(section.title, lang), style="bold"))
    title = f"[{style}]{escape(_t(section.strength or '', lang))}[/]"
    return Panel(Group(*parts), title=title, title_align="left", border_style=style)


def render(
    console: Console, result: Diagnosis, lang: str, replies: Replies | None = None, *, numbered: bool = False
) -> None:
    """Print a diagnosis as the sections of diagnose.render.sections, in their order (the notes in one panel).

    With `numbered`, the "also possible" causes are numbered for `expand_loop`."""
    group = None
    also = 0
    parts = sections(result, lang, replies)
    notes = [x for x in parts if x.kind == "note"]
    for section in parts:
        if section.kind in ("cause", "also") and section.group != group:
            console.print(Rule(section.group))
        group = section.group
        if section.kind == "warning":
            console.print(Panel(_t(section.text, lang), title=section.title, title_align="left", border_style="red"))
        elif section.kind == "also":
            also += 1
            line = f"{section.title}（{section.strength}）" if lang == "zh" else f"{section.title} ({section.strength})"
            console.print(_items([(f"{also}." if numbered else "•", _t(line, lang), "")]))
        elif section.kind != "note":
            console.print(_panel(section, lang))
    if notes:
        body = _items([("•", _t(x.text, lang), "") for x in notes])
        console.print(Panel(body, title=notes[0].title, title_align="left", border_style="blue"))


def expand_loop(
    console: Console, result: Diagnosis, lang: str, read: Callable[[str], str], replies: Replies | None = None
) -> None:
    """Show an "also possible" cause in full for each number typed; anything else, or a number already shown, ends.

    Each cause is shown at most once, so a reader that repeats itself cannot keep the program waiting.
    """
    shown: set[int] = set()
    console.print(STRINGS[lang]["expand"], style="dim")
    while True:
        try:
            reply = read("> ").strip()
        except EOFError:
            return
        number = int(reply) if reply.isascii() and reply.isdigit() else 0
        section = expand(result, number, lang, replies) if number not in shown else None
        if section is None:
            return
        shown.add(number)
        console.print(_panel(section, lang))
