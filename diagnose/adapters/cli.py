"""The command line: `python -m diagnose` (interactive, or with --answers/--set), `check`, `sources`, `schema NAME`
(a wire-format JSON Schema) and `serve` (the HTTP service, with the [server] extra).

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
import errno
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from diagnose.adapters.answers import answer_typed, read_answers
from diagnose.adapters.streams import StdinFailed, err, io_problem, printable, readable, reader, release, save
from diagnose.errors import DiagnoseError, KnowledgeError, quote

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
    p.add_argument(
        "--engine",
        choices=("compiled", "experta"),
        default="compiled",
        help="back-end: the rules compiled to plain Python (default, fastest start) or the experta "
        "forward-chaining engine; both give the same diagnosis",
    )
    commands = p.add_subparsers(dest="command", metavar="{check,sources,schema,serve}")
    check = commands.add_parser("check", help="lint a knowledge directory", description="Lint a knowledge directory.")
    check.add_argument("path", nargs="?", help="knowledge directory (default: the shipped one)")
    sources = commands.add_parser(
        "sources",
        help="list every cause's sources, for maintainers",
        description="Every source of each cause: what citizens are shown, and everything behind it (seed files "
        "included).",
    )
    sources.add_argument("cause", nargs="*", help="cause ids (default: all)")
    schema = commands.add_parser("schema", help="print a wire-format JSON Schema", description="Print a JSON Schema.")
    schema.add_argument("name", nargs="?", help="state, question, answer or diagnosis (none: list them)")
    serve = commands.add_parser(
        "serve", help="start the HTTP service (needs the [server] extra)", description="Start the HTTP service."
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    return p


def _schema(name: str | None, out: Callable[[str], None]) -> int:
    from diagnose.consult.wire import NAMES, schema

    if name not in NAMES:
        err(f"error: {'unknown schema ' + quote(name) + '; ' if name else ''}schemas: {', '.join(NAMES)}")
        return EXIT_USAGE
    out(json.dumps(schema(name), ensure_ascii=False, indent=2))
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    try:
        import starlette  # noqa: F401
        import uvicorn
    except ImportError:
        err("error: the HTTP service needs its extra: pip install 'yibao-diagnose[server]'")
        return EXIT_USAGE
    if not 0 < args.port < 65536 or args.workers < 1:
        err("error: --port must be 1-65535 and --workers at least 1")
        return EXIT_USAGE

    uvicorn.run("diagnose.adapters.server:app", host=args.host, port=args.port, workers=args.workers)
    return EXIT_OK


# -- the commands -------------------------------------------------------------------------------------------


def _check(path: str | None, out: Callable[[str], None], engine: str = "compiled") -> int:
    """Load and lint a knowledge directory; its examples are diagnosed with `engine` (`--engine`)."""
    from diagnose.api import Diagnoser
    from diagnose.knowledge.loader import load

    try:
        kb = load(path)
    except KnowledgeError as exc:
        for problem in exc.problems:
            out(f"error: {problem}")
        out(f"{len(exc.problems)} problem(s) found")
        return EXIT_KNOWLEDGE
    except OSError as exc:  # a knowledge file that exists but cannot be read
        out(f"error: cannot read {quote(exc.filename)}: {io_problem(exc)}")
        return EXIT_KNOWLEDGE
    from diagnose.knowledge.lint import lint
    from diagnose.knowledge.shape import check_extras

    problems = [*check_extras(Path(kb.path)), *lint(kb, diagnoser=Diagnoser(kb, cache_size=0, engine=engine))]
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


def _sources(wanted: Sequence[str], out: Callable[[str], None]) -> int:
    """Each cause's sources, for maintainers: what a citizen is shown, then everything behind it."""
    from diagnose.api import default_diagnoser

    kb = default_diagnoser().kb
    unknown = [c for c in wanted if c not in kb.causes]
    if unknown:
        err(f"error: unknown cause {quote(unknown[0])}; known: {', '.join(kb.causes)}")
        return EXIT_USAGE
    for cause in kb.causes.values():
        if wanted and cause.id not in wanted:
            continue
        out(f"{cause.id} ({cause.confidence})")
        out("  citizens: " + "; ".join(x.zh for x in cause.citizen_sources))
        out("  all:      " + "\n            ".join(cause.sources))
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, read: Callable[[str], str] | None = None, console: Any = None) -> int:
    """Run the command line and return its exit code. `read` and `console` are injectable for tests."""
    argv = list(sys.argv[1:] if argv is None else argv)
    readable(sys.stdout)
    readable(sys.stderr)
    try:
        code = _main(argv, read, console)
        if sys.stdout is not None:
            sys.stdout.flush()  # a full disk shows here, not at interpreter exit
    except BrokenPipeError:  # the reader has gone (`| head -1`): the output is cut short, as other tools do
        return EXIT_OK
    except StdinFailed as exc:
        err(f"error: cannot read standard input: {io_problem(exc.__cause__ or exc)}")
        return EXIT_IOERR
    except (OSError, UnicodeEncodeError) as exc:  # reading has its own handlers: what is left is writing output
        err(f"error: cannot write to standard output: {io_problem(exc)}")
        return EXIT_IOERR
    return code


def _main(argv: list[str], read: Callable[[str], str] | None, console: Any) -> int:
    """main() without its I/O error handling: an OSError or UnicodeEncodeError out of here is writing output."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_USAGE
    if args.json and args.answers is None and not args.set and args.command != "check":
        err(_NEEDS_ANSWERS)
        return EXIT_USAGE
    if sys.stdout is None:  # started with stdout closed (`>&-`): nothing could be shown
        raise OSError(errno.EBADF, "it is closed")
    if args.command == "check":
        return _check(args.path, print, args.engine)
    if args.command == "sources":
        return _sources(args.cause, print)
    if args.command == "schema":
        return _schema(args.name, print)
    if args.command == "serve":
        return _serve(args)
    try:
        consultation = _start(args)
    except KnowledgeError as exc:
        err(f"error: knowledge base: {exc}")
        return EXIT_KNOWLEDGE
    except DiagnoseError as exc:
        err(f"error: {exc}")
        return EXIT_INPUT
    except OSError as exc:
        err(f"error: cannot read {quote(exc.filename)}: {io_problem(exc)}")
        return EXIT_INPUT
    return _run(args, consultation, read, console)


def _start(args: argparse.Namespace) -> Consultation:
    """A consultation with the answers given on the command line. Raises DiagnoseError or OSError."""
    from diagnose.api import default_diagnoser
    from diagnose.consult.session import Consultation

    consultation = Consultation(default_diagnoser(args.engine))
    answers, typed = read_answers(args.answers, args.set)
    for fact, value in answers.items():
        if fact in typed:
            answer_typed(consultation, fact, value)
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
    own. OSError (writing the output) and StdinFailed propagate to main().
    """
    from diagnose.render import sections
    from diagnose.render.markdown import to_markdown
    from diagnose.render.strings import STRINGS

    lang = args.lang
    s = STRINGS[lang]
    if not args.json or console is not None:
        # rich costs tens of milliseconds to import: only the rendering paths pay for it.
        from diagnose.adapters import terminal_ui as _cli_ui

        console = console or _console()

    code = EXIT_OK
    asking = args.answers is None and not args.set  # the questionnaire (--json without answers was refused)
    if asking:
        read = read or reader(console)
        console.print(s["welcome"], style="bold")
        try:
            _cli_ui.ask_loop(consultation, console, read, lang)
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
                sys.stdout.write(
                    json.dumps(sections.to_json(result, consultation.kb.replies), ensure_ascii=False, indent=2) + "\n"
                )
            else:
                more = asking and read is not None and sections.expand(result, 1, lang) is not None
                _cli_ui.render(console, result, lang, consultation.kb.replies, numbered=more)
                if more and read is not None:
                    try:
                        _cli_ui.expand_loop(console, result, lang, read, consultation.kb.replies)
                    except KeyboardInterrupt:
                        console.print()
        except (OSError, UnicodeEncodeError) as exc:
            failed = exc
    if args.save is not None:
        text = to_markdown(consultation.kb, consultation.answers, result, lang, consultation.checklists)
        problem = save(args.save, text)
        if problem is not None:
            err(f"error: cannot write {quote(args.save)}: {problem}")
            return EXIT_IOERR
    if failed is not None:
        raise failed
    if args.save is not None and not args.json:
        console.print(s["saved"].format(path=printable(args.save)), style="dim", markup=False)
    return code


def run() -> None:
    """Console-script entry point: never shows a traceback."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except Exception as exc:
        detail = " ".join(str(exc).split())[:300]
        err(f"internal error: {type(exc).__name__}: {detail} (please report this)")
        code = EXIT_INTERNAL
    release(sys.stdout)
    release(sys.stderr)
    sys.exit(code)
