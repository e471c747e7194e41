"""The example helpdesk bot: a real stdin/stdout conversation through the public API."""

from __future__ import annotations

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
    assert "？" not in replies[1].split("\n")[-1]


def test_multi_turn_with_free_text_and_a_bad_reply() -> None:
    """Free-text replies are understood, an unclear one gets 'please choose', and the chat reaches a result."""
    replies = _chat("我的医保余额突然少了一大块", "单位交的", "随便", "国家医保服务平台", "开通了家庭共济", "没有",
                    "不知道", "不知道", "不知道", "不知道", "不知道", "不知道", "不知道", "不知道")
    assert "哪种医保" in replies[1]
    assert "在哪里看到" in replies[2]
    assert "没太明白" in replies[3]
    assert any("【原因】开通了家庭共济" in r for r in replies)


def test_restart() -> None:
    """重新开始 starts a new conversation."""
    replies = _chat("我的医保余额一直是0", "重新开始")
    assert "我了解到" not in replies[2]
