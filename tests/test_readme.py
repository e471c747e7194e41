"""The README's code examples run as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_library_examples_run() -> None:
    """The library and consultation examples run without error."""
    for block in BLOCKS[:2]:
        exec(block, {"print": lambda *a, **k: None})


def test_bot_example_converses() -> None:
    """The 'Use in a helpdesk bot' handler holds a conversation through JSON state to a result."""
    ns: dict[str, Any] = {}
    exec(BLOCKS[-1], ns)
    state, reply = ns["on_message"](None, "我的医保余额一直是0")
    assert state is not None and "？" in reply
    state, unclear = ns["on_message"](state, "随便")
    assert unclear.startswith("请选一个")
    for _ in range(12):  # a 居民医保 member who knows nothing else
        state, reply = ns["on_message"](state, "城乡居民医保" if "哪种医保" in reply else "不知道")
        if state is None:
            break
    assert state is None and "城乡居民医保不设个人账户" in reply
