"""The library is silent: no printing, no stdin, no logging configuration, no network."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import io, json, logging, socket, sys

    class Forbidden(io.TextIOBase):
        def read(self, *a): raise AssertionError("the library read stdin")
        readline = read
    def no_network(*a, **k): raise AssertionError("the library opened a socket")

    sys.stdin = Forbidden()
    socket.socket = no_network
    socket.create_connection = no_network
    before = (list(logging.getLogger().handlers), logging.getLogger().level, logging.root.manager.disable)

    import diagnose
    c = diagnose.Consultation.from_text("我是单位交的职工医保，国家医保服务平台上余额突然少了一大块")
    while (q := c.next_question()) is not None:
        c.answer_text("不知道")
        c = diagnose.Consultation.from_dict(json.loads(json.dumps(c.to_dict())))
    c.result().to_dict()
    diagnose.diagnose({"query_channel": "bank"})
    c.why("insurance_type")
    try:
        diagnose.diagnose({"insurance_type": "x"})
    except diagnose.DiagnoseError:
        pass

    after = (list(logging.getLogger().handlers), logging.getLogger().level, logging.root.manager.disable)
    assert before == after, (before, after)
    """
)


def test_library_is_silent() -> None:
    """A whole bot conversation writes nothing, reads no stdin, opens no socket and leaves logging alone."""
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
