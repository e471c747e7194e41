"""The example helpdesk bot: a real stdin/stdout conversation through the public API."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "examples" / "helpdesk_bot.py"


def _chat(*messages: str) -> list[str]:
    """Send the messages, one per line; return the bot's replies (greeting first)."""
    result = subprocess.run(
        [sys.executable, str(BOT)], input="\n".join(messages) + "\n", capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return [r.strip() for r in result.stdout.split("\n---\n") if r.strip()]


def test_first_message_with_everything_needed_gets_the_answer() -> None:
    """A 新农合 member's first message is answered at once, with no needless questions."""
    replies = _chat("我在老家交的新农合，支付宝里医保余额一直是0")
    assert len(replies) == 2
    assert "城乡居民医保不设个人账户" in replies[1]
    assert "12393" in replies[1]
    assert not replies[1].split("\n")[-1].endswith("？")  # the chat is over: no question at the end


def _turns(first: str, words: dict[str, str], extra: tuple[str, ...] = ()) -> list[str]:
    """Talk to the bot's `turn` function: answer each question with the words given for the first keyword its
    text contains (不知道 otherwise), after sending `extra` replies verbatim."""
    spec = importlib.util.spec_from_file_location("helpdesk_bot", BOT)
    assert spec is not None and spec.loader is not None
    bot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bot)
    state, reply = bot.turn(None, first)
    replies = [reply]
    pending = list(extra)
    for _ in range(15):
        if state is None or "【" in reply:  # over, or concluded (the state stays while "改N" may take an item back)
            break
        text = pending.pop(0) if pending else next((w for k, w in words.items() if k in reply), "不知道")
        state, reply = bot.turn(state, text)
        replies.append(reply)
    assert "【" in replies[-1], replies[-1]
    return replies


def test_multi_turn_with_free_text_and_a_bad_reply() -> None:
    """Free-text replies are understood, an unclear one gets 'please choose', and the chat reaches a result."""
    words = {
        "哪种医保": "单位交的",
        "在哪里看到": "国家医保服务平台",
        "给其他家人用": "开通了家庭共济",
        "自己看病": "没有",
    }
    replies = _turns("我的医保余额突然少了一大块", words, extra=("随便",))
    assert "没太明白" in replies[1]
    assert any("家庭共济" in r and "【" in r for r in replies[-1:])


def test_restart() -> None:
    """重新开始 starts a new conversation."""
    replies = _chat("我的医保余额一直是0", "重新开始")
    assert "我了解到" not in replies[2]


def test_what_was_read_is_shown_once_and_can_be_taken_back() -> None:
    """The first message's facts are shown back once, numbered; "改1" takes the first back and it is asked; a
    message after the result starts a new chat."""
    state, reply = _bot().turn(None, "我在老家交的新农合，支付宝里医保余额是0")
    assert reply.startswith("您提到：\n1. 医保类型：城乡居民医保") and "改1" in reply
    assert "一直是0" in reply  # a resident is asked whether it was always 0 (a second cause is possible if not)
    state, reply = _bot().turn(state, "一直是0")
    assert "城乡居民医保不设个人账户" in reply and "您提到" not in reply and state is not None
    state, reply = _bot().turn(state, "改1")
    assert "“医保类型”这一条不算了" in reply and reply.rstrip().endswith("0. 不知道")
    assert "参加的是哪种医保" in reply
    state, reply = _bot().turn(state, "单位交的")
    assert state is not None and "您提到" not in reply
    _, again = _bot().turn(_bot().turn(None, "我在老家交的新农合，余额一直是0")[0], "我妈的卡是0")
    assert again.startswith("您提到：\n1. 查的是谁的账户：家人的")  # a new chat, read as a first message
    assert "您家人参加的是哪种医保？" in again


def _bot():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("helpdesk_bot", BOT)
    assert spec is not None and spec.loader is not None
    bot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bot)
    return bot


def test_a_checklist_is_answered_by_numbers_and_letters() -> None:
    """The checklist is shown with its sub-choices (6a, 6b, …); "6b" answers it, and the chat names the cause."""
    words = {"哪种医保": "单位交的", "在哪里看到": "国家医保服务平台", "遇到过哪些": "6b"}
    replies = _turns("我爸的医保个人账户里的钱没了", words)
    listed = next(r for r in replies if "遇到过哪些" in r)
    assert "6b. 参保人已去世" in listed and "0. 都没有 / 记不清" in listed
    assert "参保人去世、出境定居或取过现" in replies[-1]
