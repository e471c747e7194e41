"""A minimal helpdesk bot over the public `diagnose` API: one message in, one reply out, on stdin/stdout.

The bot keeps no Python objects between turns, only the consultation's JSON state, the way a stateless chat
server would store it per user. Type 重新开始 (or "restart") to start over.

The first message is read for the facts it states (`Consultation.from_text`). What was read with confidence is
shown back once ("您提到…"), numbered; replying "改2" takes item 2 back (`Consultation.forget`), so it is asked
instead. What was read with too little confidence is not used: its question offers it as the default.

    python examples/helpdesk_bot.py
"""

from __future__ import annotations

import re
import sys

import diagnose
from diagnose.render.sections import sections

RESTART = {"重新开始", "restart", "从头开始"}
CORRECT = re.compile(r"^\s*(?:改|不对)\s*(\d+)\s*$")


def ask(question: diagnose.Question) -> str:
    """The question with numbered choices; a value the first message suggested is marked as the likely one."""
    lines = [question.text.zh]
    for i, choice in enumerate(question.choices, 1):
        guess = "（您前面提到的可能是这个）" if choice.id == question.default else ""
        lines.append(f"{i}. {choice.label.zh}{guess}")
        subs = question.sub_choices(choice.id)  # a checklist option of several kinds: 6a, 6b, …
        if subs:
            lines.append("   " + "  ".join(f"{i}{chr(97 + k)}. {sub.label.zh}" for k, sub in enumerate(subs)))
    if question.multiple:  # a checklist: any number of the choices may hold
        lines += ["0. 都没有 / 记不清", "可以多选，回复编号，用空格隔开，如“1 6a”。"]
    else:
        lines.append("0. 不知道")
    return "\n".join(lines)


def understood(consultation: diagnose.Consultation) -> str:
    """What the first message was read to say, numbered, with how to take an item back (shown once)."""
    facts = consultation.kb.facts
    items = [
        f"{i}. {facts[f].label.zh}：{facts[f].value(v).label.zh}（“{words}”）"
        for i, (f, v, words) in enumerate(consultation.mentioned, 1)
    ]
    if not items:
        return ""
    return "您提到：\n" + "\n".join(items) + "\n哪条不对，回复“改”加编号（如“改1”）。\n"


def conclude(result: diagnose.Diagnosis, kb: diagnose.KnowledgeBase) -> str:
    """The diagnosis as a chat message: the same sections, in the same order, as the terminal shows."""
    lines: list[str] = []
    for section in sections(result, "zh", kb.replies):
        if section.kind in ("warning", "note"):
            lines.append(f"【{section.title}】{section.text}")
        elif section.kind == "also":
            lines.append(f"【{section.group}】{section.title}（{section.strength}）")
        else:
            head = f"【{section.strength}】{section.title}" if section.strength else f"【{section.title}】"
            lines.append(f"{head}\n{section.text}")
            lines += [f"{i}. {step}" for i, step in enumerate(section.steps, 1)]
            if section.contacts:
                lines.append("联系：" + "；".join(section.contacts))
    return "\n".join(lines)


def turn(state: str | None, message: str) -> tuple[str | None, str]:
    """Handle one user message: return the new JSON state (None when the conversation is over) and the reply."""
    restart = message.strip().lower() in RESTART
    if state is None or restart:
        consultation = diagnose.Consultation() if restart else diagnose.Consultation.from_text(message)
        prefix = understood(consultation)
    else:
        try:
            consultation = diagnose.Consultation.from_json(state)
        except diagnose.StateError:
            return None, "会话已过期，请重新描述您的情况。"
        correct = CORRECT.match(message)
        mentioned = consultation.mentioned
        if correct and 1 <= int(correct.group(1)) <= len(mentioned):
            fact = mentioned[int(correct.group(1)) - 1][0]
            consultation.forget(fact)
            prefix = f"好的，“{consultation.kb.facts[fact].label.zh}”这一条不算了。\n"
            question = consultation.next_question()
            if question is None:
                return None, prefix + conclude(consultation.result(), consultation.kb)
            return consultation.to_json(), prefix + ask(question)
        if consultation.next_question() is None:  # that chat had ended: this message starts a new one
            return turn(None, message)
        reply = consultation.answer_text(message)
        prefix = "好的，您先去查，最后再回到这个问题。\n" if reply.kind == "later" else ""
        pending = consultation.pending
        if reply.kind == "choose" and pending is not None:
            labels = {c.id: c.label.zh for c in pending.choices}
            options = "\n".join(f"{pending.allowed.index(v) + 1}. {labels[v]}" for v in reply.choices)
            zero = "0. 都没有 / 记不清（可以多选，用空格隔开）" if pending.multiple else "0. 不知道"
            return consultation.to_json(), f"没太明白，请回复编号：\n{options}\n{zero}"
    question = consultation.next_question()
    if question is None:  # kept while a prefilled answer can still be taken back ("改1")
        return (consultation.to_json() if consultation.mentioned else None), prefix + conclude(
            consultation.result(), consultation.kb
        )
    return consultation.to_json(), prefix + ask(question)


def main() -> None:
    """Read one message per line; write one reply per message, followed by a line '---'."""
    state: str | None = None
    print("您好，请说说您的医保个人账户余额遇到了什么情况。\n---", flush=True)
    for line in sys.stdin:
        message = line.strip()
        if not message:
            continue
        state, reply = turn(state, message)
        print(reply + "\n---", flush=True)


if __name__ == "__main__":
    main()
