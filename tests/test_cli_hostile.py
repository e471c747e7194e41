"""`python -m diagnose` in hostile environments: streams that are closed, full, broken or ASCII-only, and file
names that cannot be written. Each case runs the real program in a subprocess: only a documented exit code and
at most one line on stderr may come out, never a traceback or "internal error"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX streams and file names")

ROOT = Path(__file__).resolve().parent.parent
RESIDENT = ("--set", "insurance_type=resident")
RESIDENT_TITLE = "城乡居民医保不设个人账户"
EXIT_IOERR = 74


def _run(
    *args: str | bytes,
    stdin: int | None = subprocess.DEVNULL,
    stdout: int | None = subprocess.PIPE,
    stderr: int | None = subprocess.PIPE,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    close: tuple[int, ...] = (),
) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m diagnose ARGS`; `close` lists the standard descriptors (0, 1, 2) the program starts without."""
    command: list[str | bytes] = [sys.executable, "-m", "diagnose", *args]
    if close:  # a shell closes them, exactly as `cmd <&- >&- 2>&-` does
        redirects = " ".join(f"{fd}>&-" for fd in close)
        command = ["/bin/sh", "-c", f'exec "$@" {redirects}', "sh", *command]
    full_env = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"} | {"COLUMNS": "100"} | (env or {})
    if input is not None:
        stdin = None  # subprocess.run makes the pipe
    return subprocess.run(
        command, stdin=stdin, stdout=stdout, stderr=stderr, input=input, env=full_env, cwd=ROOT, timeout=30, check=False
    )


def _one_line(stderr: bytes) -> str:
    """The error output, checked to be one clean line."""
    text = stderr.decode("utf-8", "backslashreplace")
    assert "Traceback" not in text and "internal error" not in text, text
    assert len(text.strip().splitlines()) == 1, text
    return text.strip()


class TestOutputEncoding:
    def test_ascii_stdout_still_shows_the_result(self) -> None:
        """With an ASCII-only stdout (PYTHONIOENCODING=ascii) the Chinese result is written as UTF-8, exit 0."""
        done = _run(*RESIDENT, env={"PYTHONIOENCODING": "ascii"})
        assert done.returncode == 0, done.stderr
        assert done.stderr == b""
        assert RESIDENT_TITLE in done.stdout.decode("utf-8")

    def test_ascii_stdout_json(self) -> None:
        """--json on an ASCII-only stdout is still valid JSON (UTF-8, as RFC 8259 requires), exit 0."""
        done = _run(*RESIDENT, "--json", env={"PYTHONIOENCODING": "ascii"})
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["causes"][0]["id"] == "resident_insurance_no_account"

    def test_ascii_stderr_error_message(self) -> None:
        """An error naming a Chinese value on an ASCII-only stderr is one line and exit 1."""
        done = _run("--set", "insurance_type=不存在的值", env={"PYTHONIOENCODING": "ascii"})
        assert done.returncode == 1
        assert "insurance_type" in _one_line(done.stderr)


class TestClosedAndFullOutput:
    @pytest.mark.parametrize("extra", [(), ("--json",), ("--lang", "en")])
    def test_stdout_closed(self, extra: tuple[str, ...]) -> None:
        """`>&-`: nothing can be shown, so exit 74 with one line on stderr (not a silent 0, not an internal error)."""
        done = _run(*RESIDENT, *extra, stdout=None, close=(1,))
        assert done.returncode == EXIT_IOERR
        assert "standard output" in _one_line(done.stderr)

    def test_stdout_closed_interactive(self) -> None:
        """The questionnaire with stdout closed exits 74 before asking anything."""
        done = _run(stdout=None, close=(1,))
        assert done.returncode == EXIT_IOERR
        assert "standard output" in _one_line(done.stderr)

    @pytest.mark.parametrize("extra", [(), ("--json",), ("check",)])
    def test_disk_full(self, extra: tuple[str, ...]) -> None:
        """`> /dev/full`: exit 74 with one line naming the problem (also for `check`'s one short line)."""
        args = extra if extra == ("check",) else (*RESIDENT, *extra)
        with open("/dev/full", "wb") as full:
            done = _run(*args, stdout=full.fileno())
        assert done.returncode == EXIT_IOERR
        assert "No space left on device" in _one_line(done.stderr)

    def test_stdout_and_stderr_full(self) -> None:
        """With nowhere to report it, the exit code alone says the output failed."""
        with open("/dev/full", "wb") as full:
            done = _run(*RESIDENT, stdout=full.fileno(), stderr=full.fileno())
        assert done.returncode == EXIT_IOERR

    def test_stderr_closed_bad_input(self) -> None:
        """With stderr closed, bad input still exits 1, and the message does not leak into stdout."""
        done = _run("--set", "insurance_type=rural", close=(2,), stderr=None)
        assert done.returncode == 1
        assert done.stdout == b""


class TestBrokenPipe:
    @pytest.mark.parametrize("extra", [(), ("--json",), ("check",)])
    def test_reader_gone_before_the_first_write(self, extra: tuple[str, ...]) -> None:
        """A reader that has already gone (its end of the pipe closed): output cut short, exit 0, nothing on stderr."""
        args = extra if extra == ("check",) else (*RESIDENT, *extra)
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = _run(*args, stdout=write_end)
        finally:
            os.close(write_end)
        assert done.returncode == 0, done.stderr
        assert done.stderr == b""

    def test_head_one_line(self) -> None:
        """`python -m diagnose ... | head -1`: exit 0 and nothing on stderr, as other Unix tools do."""
        command = [sys.executable, "-m", "diagnose", *RESIDENT]
        env = {**os.environ, "COLUMNS": "100"}
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=ROOT, env=env
        ) as proc:
            assert proc.stdout is not None and proc.stderr is not None
            first = proc.stdout.readline()
            proc.stdout.close()
            err = proc.stderr.read()
            code = proc.wait(timeout=30)
        assert first.strip()
        assert code == 0, err
        assert err == b""


class TestSave:
    def test_unwritable_directory(self, tmp_path: Path) -> None:
        """--save into a directory that does not exist: exit 74, one line naming the path and the reason."""
        target = tmp_path / "no" / "such" / "t.md"
        done = _run(*RESIDENT, "--save", str(target))
        assert done.returncode == EXIT_IOERR
        line = _one_line(done.stderr)
        assert "t.md" in line and "No such file or directory" in line
        assert RESIDENT_TITLE in done.stdout.decode("utf-8")  # the result itself was shown

    def test_save_is_a_directory(self, tmp_path: Path) -> None:
        """--save naming a directory: exit 74 with one line."""
        done = _run(*RESIDENT, "--json", "--save", str(tmp_path))
        assert done.returncode == EXIT_IOERR
        assert "directory" in _one_line(done.stderr).lower()

    def test_undecodable_file_name(self, tmp_path: Path) -> None:
        """A file name that is not UTF-8 (b'\\xff', a lone surrogate in Python) is written as given and its name
        shown escaped, even on a strict UTF-8 stdout."""
        target = os.fsencode(tmp_path) + b"/t\xff.md"
        done = _run(*RESIDENT, "--save", target, env={"PYTHONIOENCODING": "utf-8:strict"})
        assert done.returncode == 0, done.stderr
        assert done.stderr == b""
        assert os.path.exists(target)
        assert b"t\\udcff.md" in done.stdout or b"t\\xff.md" in done.stdout

    def test_saved_even_when_stdout_is_full(self, tmp_path: Path) -> None:
        """The transcript is written even when showing the result failed; the exit code says the output failed."""
        target = tmp_path / "t.md"
        with open("/dev/full", "wb") as full:
            done = _run(*RESIDENT, "--save", str(target), stdout=full.fileno())
        assert done.returncode == EXIT_IOERR
        _one_line(done.stderr)
        assert RESIDENT_TITLE in target.read_text(encoding="utf-8")

    def test_saved_when_the_reader_is_gone(self, tmp_path: Path) -> None:
        """`... --save t.md | head -1`: the transcript is still written, exit 0."""
        target = tmp_path / "t.md"
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = _run(*RESIDENT, "--save", str(target), stdout=write_end)
        finally:
            os.close(write_end)
        assert done.returncode == 0, done.stderr
        assert RESIDENT_TITLE in target.read_text(encoding="utf-8")


class TestStandardInput:
    def test_answers_from_stdin(self) -> None:
        """`--answers -` reads the JSON answers from standard input (a UTF-8 BOM is fine)."""
        data = "\ufeff" + json.dumps({"insurance_type": "resident"})
        done = _run("--answers", "-", "--json", input=data.encode("utf-8"))
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["causes"][0]["id"] == "resident_insurance_no_account"

    def test_answers_from_closed_stdin(self) -> None:
        """`--answers -` with stdin closed: bad input, exit 1, one line."""
        done = _run("--answers", "-", "--json", stdin=None, close=(0,))
        assert done.returncode == 1
        assert "standard input" in _one_line(done.stderr)

    @pytest.mark.parametrize("closed", [False, True])
    def test_json_without_answers(self, closed: bool) -> None:
        """`echo '{}' | python -m diagnose --json` (or stdin closed) is bad usage, exit 2: it says how to pass them."""
        done = _run("--json", stdin=None, close=(0,)) if closed else _run("--json", input=b"{}")
        assert done.returncode == 2
        assert done.stdout == b""
        line = _one_line(done.stderr)
        assert "--answers -" in line and "--set" in line

    def test_questionnaire_with_stdin_closed(self) -> None:
        """The questionnaire with stdin closed ends at once like Ctrl-D: the result so far, exit 0."""
        done = _run(stdin=None, close=(0,))
        assert done.returncode == 0, done.stderr
        assert done.stderr == b""
        assert "输入结束" in done.stdout.decode("utf-8")
