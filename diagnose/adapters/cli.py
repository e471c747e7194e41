"""The command line: `python -m diagnose` (interactive, or with --answers/--set) and `python -m diagnose check`.

Exit codes:
    0    a diagnosis was shown (or `check` found no problem)
    1    bad input: an answers file or --set value that is not in the vocabulary, or a file that cannot be read
    2    bad command-line usage
    3    the knowledge base is invalid (`check` lists every problem)
    70   an internal error (a bug): reported in one line, never as a traceback
    130  interrupted with Ctrl-C
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from diagnose.errors import DiagnoseError, InputError, KnowledgeError

if TYPE_CHECKING:
    from diagnose.consult.session import Consultation

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_KNOWLEDGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 70, 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m diagnose",
        description="医保个人账户余额诊断 / Why a medical-insurance personal-account balance is 0, missing or low.",
        epilog="Exit codes: 0 ok, 1 bad input, 2 usage, 3 invalid knowledge base, 130 interrupted.",
    )
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default: zh)")
    p.add_argument("--answers", metavar="FILE.json", help="answers as a JSON object {fact: value}; no questions asked")
    p.add_argument("--set", metavar="FACT=VALUE", action="append", default=[], help="one answer; may be repeated")
    p.add_argument("--json", action="store_true", help="print the diagnosis as JSON (Diagnosis.to_dict())")
    p.add_argument("--save", metavar="FILE.md", help="write a transcript (questions, answers, result) as Markdown")
    commands = p.add_subparsers(dest="command", metavar="{check}")
    check = commands.add_parser("check", help="lint a knowledge directory", description="Lint a knowledge directory.")
    check.add_argument("path", nargs="?", help="knowledge directory (default: the shipped one)")
    return p


def _read_answers(path: str | None, sets: Sequence[str]) -> dict[str, Any]:
    """Collect answers from --answers and --set (later wins). Raises InputError or OSError."""
    answers: dict[str, Any] = {}
    if path is not None:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}: not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})", fact=""
            ) from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text", fact="") from exc
        except (ValueError, RecursionError) as exc:  # integers beyond Python's digit limit, absurd nesting
            raise InputError(f"{path}: not a usable JSON answers file ({type(exc).__name__})", fact="") from exc
        if not isinstance(data, dict):
            raise InputError(f"{path}: expected a JSON object mapping fact id to value", fact="")
        answers.update(data)
    for item in sets:
        fact, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--set {item!r}: expected FACT=VALUE", fact=fact)
        answers[fact.strip()] = value.strip() or None
    return answers


def _check(path: str | None, out: Callable[[str], None]) -> int:
    from diagnose.knowledge.loader import load

    try:
        kb = load(path)
    except KnowledgeError as exc:
        for problem in exc.problems:
            out(f"error: {problem}")
        out(f"{len(exc.problems)} problem(s) found")
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

    def err(line: str) -> None:
        print(line, file=sys.stderr)

    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_USAGE
    if args.command == "check":
        return _check(args.path, print)
    try:
        consultation = _start(args)
    except KnowledgeError as exc:
        err(f"error: knowledge base: {exc}")
        return EXIT_KNOWLEDGE
    except DiagnoseError as exc:
        err(f"error: {exc}")
        return EXIT_INPUT
    except OSError as exc:
        err(f"error: cannot read {exc.filename}: {exc.strerror}")
        return EXIT_INPUT
    return _run(args, consultation, read, console, err)


def _start(args: argparse.Namespace) -> Consultation:
    """A consultation with the answers given on the command line. Raises DiagnoseError or OSError."""
    from diagnose.api import default_diagnoser
    from diagnose.consult.session import Consultation

    consultation = Consultation(default_diagnoser())
    for fact, value in _read_answers(args.answers, args.set).items():
        consultation.answer(str(fact), value)
    return consultation


def _run(
    args: argparse.Namespace,
    consultation: Consultation,
    read: Callable[[str], str] | None,
    console: Any,
    err: Callable[[str], None],
) -> int:
    """Ask (unless the answers were given), then show or save the result; return the exit code."""
    from diagnose.render.markdown import to_markdown
    from diagnose.render.strings import STRINGS

    lang = args.lang
    s = STRINGS[lang]
    if not args.json or console is not None:
        # rich costs tens of milliseconds to import: only the rendering paths pay for it.
        from rich.console import Console

        from diagnose.render import terminal as _cli_ui

        console = console or Console(highlight=False)

    code = EXIT_OK
    interactive = not (args.answers or args.set or args.json)
    if interactive:
        console.print(s["welcome"], style="bold")
        try:
            _cli_ui.ask_loop(consultation, console, read or _reader(console), lang)
        except EOFError:
            console.print("\n" + s["input_ended"], style="yellow")
        except KeyboardInterrupt:
            console.print("\n" + s["interrupted"], style="yellow")
            code = EXIT_INTERRUPTED
    result = consultation.result()
    if code == EXIT_OK:
        if args.json:
            from diagnose.render.sections import to_json

            sys.stdout.write(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
        else:
            _cli_ui.render(console, result, lang)
    if args.save:
        try:
            text = to_markdown(consultation.kb, consultation.answers, result, lang)
            Path(args.save).write_text(text, encoding="utf-8")
        except OSError as exc:
            err(f"error: cannot write {args.save}: {exc.strerror}")
            return EXIT_INPUT
        if not args.json:
            console.print(s["saved"].format(path=args.save), style="dim")
    return code


def _reader(console: Any) -> Callable[[str], str]:
    """Read one line at the terminal, or with input() when stdin is not a terminal.

    input() on a terminal goes through readline, which can block in select() after a Ctrl-C has already been
    signalled (the signal arrived between the prompt and the select), so the Ctrl-C is lost until the next key.
    Here the signal also writes to a wake-up pipe that select() watches, so it always ends the wait, and the
    KeyboardInterrupt is raised as soon as the wait returns.
    """
    import os
    import select
    import signal

    try:
        if not sys.stdin.isatty():
            return lambda prompt: console.input(prompt)
        fd = sys.stdin.fileno()
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
    except (OSError, ValueError):  # no usable stdin, or not the main thread
        return lambda prompt: console.input(prompt)

    def read(prompt: str) -> str:
        console.print(prompt, end="")
        console.file.flush()
        line = b""
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

    return read


def run() -> None:
    """Console-script entry point: never shows a traceback."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except Exception as exc:
        print(f"internal error: {type(exc).__name__}: {exc} (please report this)", file=sys.stderr)
        code = EXIT_INTERNAL
    sys.exit(code)
