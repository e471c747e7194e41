"""The example HTTP bot: a real stdin/stdout conversation with a real server, through urllib only."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the HTTP service needs the [server] extra: pip install -e '.[test]'")
pytest.importorskip("uvicorn", reason="the HTTP service needs the [server] extra: pip install -e '.[test]'")

from serving import thread_server

from diagnose.adapters.server import create_app

BOT = Path(__file__).resolve().parent.parent / "examples" / "http_bot.py"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    """The base URL of a real server."""
    with thread_server(create_app()) as base:
        yield base


def _chat(url: str, *messages: str) -> list[str]:
    """Send the messages, one per line; return the bot's replies (greeting first)."""
    result = subprocess.run(
        [sys.executable, str(BOT), "--url", url],
        input="\n".join(messages) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return [r.strip() for r in result.stdout.split("\n---\n") if r.strip()]


def test_a_first_message_with_everything_needed_gets_the_answer(url: str) -> None:
    """A 新农合 member's first message is answered at once, with the channel to call."""
    replies = _chat(url, "我在老家交的新农合，支付宝里医保余额一直是0")
    assert len(replies) == 2
    assert "城乡居民医保不设个人账户" in replies[1] and "12393" in replies[1]


def test_numbers_free_text_and_an_unclear_reply(url: str) -> None:
    """A number picks a choice, an unclear reply gets the choices to pick from, and the chat reaches a result."""
    replies = _chat(url, "我的医保余额突然少了一大块", "随便", "1", *["0"] * 15)
    assert "没太明白" in replies[2] and "1. " in replies[2]
    assert "1. " in replies[1] and "0. 不知道" in replies[1]
    assert any("【" in r and "0. 不知道" not in r for r in replies[3:])
