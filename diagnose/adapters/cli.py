"""The command line: `python -m diagnose` (interactive, or with --answers/--set) and `python -m diagnose check`.

Exit codes:
    0    a diagnosis was shown (or `check` found no problem); also when the reader of the output stops early
         (`| head -1`): the output is cut short, as with other Unix tools
    1    bad input: an answers file or --set value that is not in the vocabulary, or a file that cannot be read
    2    bad command-line usage (including --json without --answers or --set)
    3    the knowledge base is invalid (`check` lists every problem)
    70   an internal error (a bug): reported in one line, never as a traceback
    74   an I/O error: the output could not be written (standard output closed or full, a --save file that
         cannot be written) or standard input failed during the questions; reported in one line
    130  interrupted with Ctrl-C

When standard output's encoding cannot show Chinese (PYTHONIOENCODING=ascii, a Latin-1 locale), the output is
written in UTF-8: the text stays readable, and UTF-8 is what JSON (RFC 8259) requires.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from diagnose.errors import DiagnoseError, InputError, InvalidValueError, KnowledgeError, quote

if TYPE_CHECKING:
    from diagnose.consult.session import Consultation

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_KNOWLEDGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 70, 130
EXIT_IOERR = 74  # EX_IOERR (sysexits.h)
_NEEDS_ANSWERS = (
    "error: --json needs the answers: pass --answers FILE.json (or --answers - for standard input) or --set"
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m diagnose",
        description="医保个人账户余额诊断 / Why a medical-insurance personal-account balance is 0, missing or low.",
        epilog="Exit codes: 0 ok, 1 bad input, 2 usage, 3 invalid knowledge base, 70 internal error, "
        "74 I/O error (output or --save file not written), 130 interrupted.",
    )
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default: zh)")
    p.add_argument("--answers", metavar="FILE.json", help="answers as a JSON object {fact: value} ('-': stdin)")
    p.add_argument(
        "--set", metavar="FACT=VALUE", action="append", default=[], help="one answer: a value id or its words"
    )
    p.add_argument("--json", action="store_true", help="print the diagnosis as JSON (needs --answers or --set)")
    p.add_argument("--save", metavar="FILE.md", help="write a transcript (questions, answers, result) as Markdown")
    commands = p.add_subparsers(dest="command", metavar="{check}")
    check = commands.add_parser("check", help="lint a knowledge directory", description="Lint a knowledge directory.")
    check.add_argument("path", nargs="?", help="knowledge directory (default: the shipped one)")
    return p


# -- the streams --------------------------------------------------------------------------------------------


class _StdinFailed(Exception):
    """Reading standard input failed during the questions: kept apart from the OSErrors of writing output."""


def _err(line: str) -> None:
    """Write one line to stderr when there is a usable stderr; never to stdout, never raising."""
    if sys.stderr is None:  # started with stderr closed: print(file=None) would write to stdout
        return
    with contextlib.suppress(OSError, ValueError):  # full, broken or closed: the exit code still tells
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _readable(stream: TextIO | None, errors: str | None = None) -> None:
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


def _release(stream: TextIO | None) -> None:
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


def _io_problem(exc: BaseException) -> str:
    """What went wrong, in a few words for a one-line message."""
    if isinstance(exc, UnicodeEncodeError):
        return f"the {exc.encoding} encoding cannot show the text (set PYTHONIOENCODING=utf-8)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _printable(text: str) -> str:
    """`text` for display: as it is, or with what cannot be shown (a newline, a lone surrogate) escaped."""
    return text if text.isprintable() else repr(text)[1:-1]


# -- the answers --------------------------------------------------------------------------------------------


class _RepeatedKey(Exception):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json object_pairs_hook: a key given twice is an error (json alone would silently keep the last one)."""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise _RepeatedKey(key)
        data[key] = value
    return data


def _answers_file(path: str) -> dict[str, Any]:
    """The JSON object in `path` ('-': standard input), UTF-8 with or without a BOM. Raises InputError."""
    name = "standard input" if path == "-" else quote(path)
    try:
        if path == "-":
            if sys.stdin is None:
                raise InputError("cannot read standard input: it is closed", fact="")
            raw = getattr(sys.stdin, "buffer", sys.stdin).read()
        else:
            with open(path, "rb") as file:
                raw = file.read()
    except OSError as exc:
        raise InputError(f"cannot read {name}: {_io_problem(exc)}", fact="") from exc
    try:
        data = json.loads(raw, object_pairs_hook=_unique_keys)  # bytes: json drops a UTF-8 BOM itself
    except _RepeatedKey as exc:
        raise InputError(f"{name}: fact {quote(exc.args[0])} is given twice; give each fact once", fact="") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})", fact="") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text", fact="") from exc
    except (ValueError, RecursionError) as exc:  # integers beyond Python's digit limit, absurd nesting
        raise InputError(f"{name}: not a usable JSON answers file ({type(exc).__name__})", fact="") from exc
    if not isinstance(data, dict):
        raise InputError(f"{name}: expected a JSON object mapping fact id to value", fact="")
    return data


def _read_answers(path: str | None, sets: Sequence[str]) -> tuple[dict[str, Any], set[str]]:
    """Answers from --answers and --set (later wins), and the facts whose answer came from --set."""
    answers: dict[str, Any] = _answers_file(path) if path is not None else {}
    typed: set[str] = set()
    for item in sets:
        fact, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--set {quote(item)}: expected FACT=VALUE", fact="")
        answers[fact.strip()] = value.strip() or None
        typed.add(fact.strip())
    return answers, typed


def _answer_typed(consultation: Consultation, fact_id: str, value: str | None) -> None:
    """Record a --set answer: a value id, or words read like a reply to the question (职工医保, 新农合, 是, 不知道)
    when they read as one clear answer. A choice number is refused: it means something only beside the list.
    Otherwise the value's InvalidValueError (fact, value, allowed values) propagates."""
    from diagnose.consult.reader import normalize

    try:
        consultation.answer(fact_id, value)
    except InvalidValueError:
        fact = consultation.kb.facts.get(fact_id)
        if value is None or fact is None or fact.free_text or normalize(value).isdigit():
            raise
        reply = consultation.diagnoser.matcher.match_reply(fact, value)
        if reply.kind not in ("answer", "dont_know"):  # "choose": unclear or two values; "later": 我去查一下
            raise
        consultation.answer(fact_id, reply.value)


# -- the commands -------------------------------------------------------------------------------------------


def _check(path: str | None, out: Callable[[str], None]) -> int:
    from diagnose.knowledge.loader import load

    try:
        kb = load(path)
    except KnowledgeError as exc:
        for problem in exc.problems:
            out(f"error: {problem}")
        out(f"{len(exc.problems)} problem(s) found")
        return EXIT_KNOWLEDGE
    except OSError as exc:  # a knowledge file that exists but cannot be read
        out(f"error: cannot read {quote(exc.filename)}: {_io_problem(exc)}")
        return EXIT_KNOWLEDGE
    from diagnose.knowledge.lint import lint

    problems = lint(kb)
    if problems:
        for problem in problems:
            out(f"error: {problem}")
        out(f"{len(problems)} problem(s) found")
        return EXIT_KNOWLEDGE
    out(
        f"ok: {len(kb.facts)} facts, {len(kb.derived)} derived facts, {len(kb.causes)} causes, "
        f"{len(kb.warnings)} warnings, {len(kb.notes)} notes (version {kb.version})"
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, read: Callable[[str], str] | None = None, console: Any = None) -> int:
    """Run the command line and return its exit code. `read` and `console` are injectable for tests."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _readable(sys.stdout)
    _readable(sys.stderr)
    try:
        code = _main(argv, read, console)
        if sys.stdout is not None:
            sys.stdout.flush()  # a full disk shows here, not at interpreter exit
    except BrokenPipeError:  # the reader has gone (`| head -1`): the output is cut short, as other tools do
        return EXIT_OK
    except _StdinFailed as exc:
        _err(f"error: cannot read standard input: {_io_problem(exc.__cause__ or exc)}")
        return EXIT_IOERR
    except (OSError, UnicodeEncodeError) as exc:  # reading has its own handlers: what is left is writing output
        _err(f"error: cannot write to standard output: {_io_problem(exc)}")
        return EXIT_IOERR
    return code


def _main(argv: list[str], read: Callable[[str], str] | None, console: Any) -> int:
    """main() without its I/O error handling: an OSError or UnicodeEncodeError out of here is writing output."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_USAGE
    if args.json and args.answers is None and not args.set and args.command != "check":
        _err(_NEEDS_ANSWERS)
        return EXIT_USAGE
    if sys.stdout is None:  # started with stdout closed (`>&-`): nothing could be shown
        raise OSError(errno.EBADF, "it is closed")
    if args.command == "check":
        return _check(args.path, print)
    try:
        consultation = _start(args)
    except KnowledgeError as exc:
        _err(f"error: knowledge base: {exc}")
        return EXIT_KNOWLEDGE
    except DiagnoseError as exc:
        _err(f"error: {exc}")
        return EXIT_INPUT
    except OSError as exc:
        _err(f"error: cannot read {quote(exc.filename)}: {_io_problem(exc)}")
        return EXIT_INPUT
    return _run(args, consultation, read, console)


def _start(args: argparse.Namespace) -> Consultation:
    """A consultation with the answers given on the command line. Raises DiagnoseError or OSError."""
    from diagnose.api import default_diagnoser
    from diagnose.consult.session import Consultation

    consultation = Consultation(default_diagnoser())
    answers, typed = _read_answers(args.answers, args.set)
    for fact, value in answers.items():
        if fact in typed:
            _answer_typed(consultation, fact, value)
        else:
            consultation.answer(str(fact), value)
    return consultation


def _console() -> Any:
    """A rich console on stdout that lets a broken pipe reach main() (rich's own handler exits with 1)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    return _Console(highlight=False)


def _run(args: argparse.Namespace, consultation: Consultation, read: Callable[[str], str] | None, console: Any) -> int:
    """Ask (unless the answers were given), then show and save the result; return the exit code.

    The transcript is saved even when showing the result failed (`| head -1`, a full disk): it is a file of its
    own. OSError (writing the output) and _StdinFailed propagate to main().
    """
    from diagnose.render.markdown import to_markdown
    from diagnose.render.strings import STRINGS

    lang = args.lang
    s = STRINGS[lang]
    if not args.json or console is not None:
        # rich costs tens of milliseconds to import: only the rendering paths pay for it.
        from diagnose.render import terminal as _cli_ui

        console = console or _console()

    code = EXIT_OK
    if args.answers is None and not args.set:  # the questionnaire (--json without answers was refused)
        console.print(s["welcome"], style="bold")
        try:
            _cli_ui.ask_loop(consultation, console, read or _reader(console), lang)
        except EOFError:
            console.print("\n" + s["input_ended"], style="yellow")
        except KeyboardInterrupt:
            console.print("\n" + s["interrupted"], style="yellow")
            code = EXIT_INTERRUPTED
    result = consultation.result()
    failed: OSError | UnicodeEncodeError | None = None
    if code == EXIT_OK:
        try:
            if args.json:
                from diagnose.render.sections import to_json

                sys.stdout.write(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
            else:
                _cli_ui.render(console, result, lang)
        except (OSError, UnicodeEncodeError) as exc:
            failed = exc
    if args.save is not None:
        problem = _save(args.save, to_markdown(consultation.kb, consultation.answers, result, lang))
        if problem is not None:
            _err(f"error: cannot write {quote(args.save)}: {problem}")
            return EXIT_IOERR
    if failed is not None:
        raise failed
    if args.save is not None and not args.json:
        console.print(s["saved"].format(path=_printable(args.save)), style="dim", markup=False)
    return code


def _save(path: str, text: str) -> str | None:
    """Write the transcript to `path`; what went wrong, or None."""
    try:
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as exc:
        return _io_problem(exc)
    except UnicodeEncodeError:  # a lone surrogate that the file system encoding refuses
        return "the name has characters that cannot be used in a file name here"
    except ValueError as exc:  # an embedded NUL character
        return str(exc)
    return None


def _reader(console: Any) -> Callable[[str], str]:
    """Read one line at the terminal, or from standard input when it is not a terminal.

    Showing the prompt is output (its OSError is main()'s output error); a failed read raises _StdinFailed.
    """
    stdin = sys.stdin

    def read_line(prompt: str) -> str:
        console.print(prompt, end="", markup=False)
        try:
            line = stdin.readline() if stdin is not None else ""  # started with stdin closed: at its end
        except OSError as exc:
            raise _StdinFailed from exc
        if not line:
            raise EOFError
        return line.rstrip("\r\n")

    try:
        if stdin is None or not stdin.isatty():
            _readable(stdin, errors="replace")  # bytes that are not UTF-8 become U+FFFD, and are asked again
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
            raise _StdinFailed from exc

    return read


def run() -> None:
    """Console-script entry point: never shows a traceback."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except Exception as exc:
        detail = " ".join(str(exc).split())[:300]
        _err(f"internal error: {type(exc).__name__}: {detail} (please report this)")
        code = EXIT_INTERNAL
    _release(sys.stdout)
    _release(sys.stderr)
    sys.exit(code)
