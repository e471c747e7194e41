"""The command line's streams: one-line errors, readable output encodings, releasing a stream whose reader has
gone, writing a transcript, and reading a line at the terminal without losing a Ctrl-C."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

__all__ = ["StdinFailed", "err", "io_problem", "printable", "readable", "reader", "release", "save"]


class StdinFailed(Exception):
    """Reading standard input failed during the questions: kept apart from the OSErrors of writing output."""


def err(line: str) -> None:
    """Write one line to stderr when there is a usable stderr; never to stdout, never raising."""
    if sys.stderr is None:  # started with stderr closed: print(file=None) would write to stdout
        return
    with contextlib.suppress(OSError, ValueError):  # full, broken or closed: the exit code still tells
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def readable(stream: TextIO | None, errors: str | None = None) -> None:
    """Switch `stream` to UTF-8 when its encoding cannot carry Chinese text (PYTHONIOENCODING=ascii, a Latin-1
    locale); `errors` replaces its error handler too. Streams that are not plain text files are left alone."""
    if not isinstance(stream, io.TextIOWrapper):
        return
    try:
        "医保".encode(stream.encoding)
        encoding = None
    except (UnicodeEncodeError, LookupError):
        encoding = "utf-8"
    if encoding is not None or errors is not None:
        with contextlib.suppress(OSError, ValueError):  # closed, or already read from: keep it as it is
            stream.reconfigure(encoding=encoding, errors=errors or stream.errors)


def release(stream: TextIO | None) -> None:
    """Flush `stream`; when it cannot take its last bytes (the reader has gone, the disk is full), point its file
    descriptor at /dev/null, as the Python docs advise for SIGPIPE, so that the flush at interpreter exit does not
    fail again (it would print "Exception ignored" and exit 120)."""
    if stream is None:
        return
    try:
        stream.flush()
    except (OSError, ValueError):
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)


def io_problem(exc: BaseException) -> str:
    """What went wrong, in a few words for a one-line message."""
    if isinstance(exc, UnicodeEncodeError):
        return f"the {exc.encoding} encoding cannot show the text (set PYTHONIOENCODING=utf-8)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def printable(text: str) -> str:
    """`text` for display: as it is, or with what cannot be shown (a newline, a lone surrogate) escaped."""
    return text if text.isprintable() else repr(text)[1:-1]


def save(path: str, text: str) -> str | None:
    """Write the transcript to `path`; what went wrong, or None."""
    try:
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as exc:
        return io_problem(exc)
    except UnicodeEncodeError:  # a lone surrogate that the file system encoding refuses
        return "the name has characters that cannot be used in a file name here"
    except ValueError as exc:  # an embedded NUL character
        return str(exc)
    return None


def reader(console: Any) -> Callable[[str], str]:
    """Read one line at the terminal, or from standard input when it is not a terminal.

    Showing the prompt is output (its OSError is main()'s output error); a failed read raises StdinFailed.
    """
    stdin = sys.stdin

    def read_line(prompt: str) -> str:
        console.print(prompt, end="", markup=False)
        try:
            line = stdin.readline() if stdin is not None else ""  # started with stdin closed: at its end
        except OSError as exc:
            raise StdinFailed from exc
        if not line:
            raise EOFError
        return line.rstrip("\r\n")

    try:
        if stdin is None or not stdin.isatty():
            readable(stdin, errors="replace")  # bytes that are not UTF-8 become U+FFFD, and are asked again
            return read_line
        return _tty_reader(console, stdin.fileno())
    except (OSError, ValueError):  # no usable stdin descriptor, or not the main thread
        return read_line


def _tty_reader(console: Any, fd: int) -> Callable[[str], str]:
    """Read one line at the terminal `fd`.

    input() on a terminal goes through readline, which can block in select() after a Ctrl-C has already been
    signalled (the signal arrived between the prompt and the select), so the Ctrl-C is lost until the next key.
    Here the signal also writes to a wake-up pipe that select() watches, so it always ends the wait, and the
    KeyboardInterrupt is raised as soon as the wait returns. Raises OSError or ValueError when it cannot be set up.
    """
    import select
    import signal

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)

    def read(prompt: str) -> str:
        console.print(prompt, end="", markup=False)
        console.file.flush()
        line = b""
        try:
            while True:
                ready, _, _ = select.select([fd, wake_r], [], [])
                if wake_r in ready:
                    os.read(wake_r, 512)  # a signal: its handler (KeyboardInterrupt for Ctrl-C) runs on return
                    continue
                chunk = os.read(fd, 4096)
                if not chunk:
                    raise EOFError
                line += chunk
                if line.endswith(b"\n"):
                    return line.decode("utf-8", errors="replace").rstrip("\r\n")
        except OSError as exc:  # the terminal went away (EIO)
            raise StdinFailed from exc

    return read
