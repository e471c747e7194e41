"""The command line: scripted consultations, non-interactive mode, exit codes, and a real terminal."""

from __future__ import annotations

import io
import json
import os
import select
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from rich.console import Console

import diagnose
from diagnose.adapters.cli import main


def _console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=120, color_system=None, highlight=False), buf


def _persona(buf: io.StringIO, persona: dict[str, str], *extra: str) -> Callable[[str], str]:
    """A reader that first types `extra` lines, then answers each question shown the way `persona` would."""
    kb = diagnose.load_knowledge()
    pending = list(extra)

    def read(prompt: str) -> str:
        if pending:
            return pending.pop(0)
        shown = buf.getvalue()
        asked = [*kb.facts.values(), *kb.checklists.values()]
        where = {q.id: max(shown.rfind(q.question.zh), shown.rfind(q.question.en)) for q in asked}
        question = max(asked, key=lambda q: where[q.id])
        numbered = _numbered(shown[where[question.id] :])  # the choices as shown: number, label's start

        def number(label: diagnose.Text) -> str | None:
            said = {"".join(label.zh.split()), "".join(label.en.split())}
            return next((n for n, start in numbered if any(x.startswith(start) for x in said)), None)

        if question.id in kb.checklists:
            holds = [o.label for o in kb.checklists[question.id].options if persona.get(o.fact) in o.values]
            return " ".join(n for n in map(number, holds) if n) or "0"
        value = persona.get(question.id)
        return (number(kb.facts[question.id].value(value).label) or "0") if value else "0"

    return read


def _numbered(panel: str) -> list[tuple[str, str]]:
    """The numbered choices of the first question panel in `panel`: (number, the label's first line, unspaced)."""
    body = panel.split("╰", 1)[0]
    out = []
    for line in body.splitlines():
        number, dot, label = line.strip(" │").partition(". ")
        if dot and number.isdigit() and number != "0":
            out.append((number, "".join(label.split())))
    return out


def _words(buf: io.StringIO, words: dict[str, str]) -> Callable[[str], str]:
    """A reader that answers each question shown with the words given for its fact (不知道 otherwise)."""
    kb = diagnose.load_knowledge()

    def read(prompt: str) -> str:
        shown = buf.getvalue()
        fact = max(kb.facts.values(), key=lambda f: shown.rfind(f.question.zh))
        return words.get(fact.id, "不知道")

    return read


def _script(*lines: str) -> tuple[list[str], object]:
    prompts: list[str] = []
    it: Iterator[str] = iter(lines)

    def read(prompt: str) -> str:
        prompts.append(prompt)
        try:
            return next(it)
        except StopIteration:
            raise EOFError from None

    return prompts, read


class TestScripted:
    def test_resident_consultation_transcript(self) -> None:
        """A 新农合 member is told within two questions that resident insurance has no account, and whom to call."""
        console, buf = _console()
        read = _persona(buf, {"insurance_type": "resident", "symptom": "always_zero"})
        assert main([], read=read, console=console) == 0
        out = buf.getvalue()
        assert "问题 1" in out and "问题 3" not in out
        assert "您（或您要查的家人）参加的是哪种医保？" in out
        assert "城乡居民医保不设个人账户" in out
        assert "12393" in out
        assert "基本确定" in out  # the level, in words

    def test_also_possible_cause_expands_by_number(self) -> None:
        """After the result, typing an "also possible" cause's number shows it in full; Enter then ends."""
        console, buf = _console()
        persona = {"insurance_type": "employee", "query_channel": "bank", "symptom": "went_to_zero"}
        answer = _persona(buf, persona)
        typed: list[str] = []

        def read(prompt: str) -> str:
            if "编号；直接回车结束" not in buf.getvalue():
                return answer(prompt)
            typed.append("1" if not typed else "")
            return typed[-1]

        assert main([], read=read, console=console) == 0
        out = buf.getvalue()
        screen, details = out.split("编号；直接回车结束", 1)
        assert "也可能是" in screen and "\n1. " in screen.replace("│", "")
        assert typed == ["1", ""]
        assert "怎么做" in details or "可以这样做" in details or "12393" in details

    def test_expanding_ends_on_anything_but_a_new_number(self) -> None:
        """A reader that repeats the same number cannot keep the program waiting: each cause is shown once."""
        console, buf = _console()
        persona = {"insurance_type": "employee", "query_channel": "bank", "symptom": "went_to_zero"}
        answer = _persona(buf, persona)
        calls = 0

        def read(prompt: str) -> str:
            nonlocal calls
            if "编号；直接回车结束" not in buf.getvalue():
                return answer(prompt)
            calls += 1
            return "1"

        assert main([], read=read, console=console) == 0
        assert calls == 2

    def test_garbage_is_asked_again(self) -> None:
        """Unreadable input gets a helpful message and the same question again."""
        console, buf = _console()
        read = _persona(buf, {"insurance_type": "resident", "symptom": "always_zero"}, "abc", "99")
        assert main([], read=read, console=console) == 0
        out = buf.getvalue()
        assert out.count("没看懂") == 2
        assert out.count("问题 1") == 1  # the panel is not redrawn; the prompt repeats

    def test_words_are_understood(self) -> None:
        """Typed words work like numbers: '新农合', '一直是0', '支付宝' and 不知道 settle a resident-insurance case."""
        console, buf = _console()
        read = _words(buf, {"insurance_type": "新农合", "symptom": "一直是0", "query_channel": "支付宝"})
        assert main([], read=read, console=console) == 0
        out = buf.getvalue()
        assert "没看懂" not in out and "城乡居民医保不设个人账户" in out

    def test_back_and_why(self) -> None:
        """'?' shows WHY, 'b' goes back one question, and the consultation carries on."""
        console, buf = _console()
        read = _persona(buf, {"insurance_type": "resident", "symptom": "always_zero"}, "?", "1", "b")
        assert main([], read=read, console=console) == 0
        out = buf.getvalue()
        assert "为什么问这个" in out
        assert "已返回上一题" in out
        assert "城乡居民医保不设个人账户" in out

    def test_english(self) -> None:
        """--lang en runs the whole consultation in English."""
        console, buf = _console()
        read = _persona(buf, {"insurance_type": "resident", "symptom": "always_zero"})
        assert main(["--lang", "en"], read=read, console=console) == 0
        out = buf.getvalue()
        assert "Which medical insurance" in out or "insurance" in out
        assert "Resident medical insurance has no personal account" in out

    def test_at_the_cap_says_what_is_left_open(self) -> None:
        """Someone who answers 不知道 to everything reaches the cap and is told which questions would settle it
        (the most useful ones, insurance type first), not only that no cause was found."""
        console, buf = _console()
        read = _words(buf, {})
        assert main([], read=read, console=console) == 0
        out = buf.getvalue()
        assert "问题 10" in out and "问题 11" not in out
        assert "问题已经问得够多了" in out
        tail = out[out.index("下面这些还没弄清") :]
        assert "参加的是哪种医保" in tail.split("╭")[0]

    def test_a_settled_consultation_lists_nothing_left_open(self) -> None:
        console, buf = _console()
        read = _persona(buf, {"insurance_type": "resident", "symptom": "always_zero"})
        assert main([], read=read, console=console) == 0
        assert "还没弄清" not in buf.getvalue()

    def test_eof_shows_result_so_far(self) -> None:
        """End of input stops the questions and shows the result from the answers so far."""
        console, buf = _console()
        _, read = _script()
        assert main([], read=read, console=console) == 0
        assert "输入结束" in buf.getvalue()

    def test_save_transcript(self, tmp_path: Path) -> None:
        """--save writes the questions, the answers and the result as Markdown."""
        console, buf = _console()
        read = _persona(buf, {"insurance_type": "resident", "symptom": "always_zero"})
        target = tmp_path / "t.md"
        assert main(["--save", str(target)], read=read, console=console) == 0
        text = target.read_text(encoding="utf-8")
        assert "## 问答" in text and "**回答:**" in text and "城乡居民医保不设个人账户" in text


class TestRendering:
    @pytest.mark.parametrize("lang", ["zh", "en"])
    def test_every_example_renders(self, lang: str) -> None:
        """Every example case renders in both languages: main causes, the ones also worth checking, warnings, notes."""
        kb = diagnose.load_knowledge()
        for cause in kb.causes.values():
            for example in cause.examples:
                console, buf = _console()
                args = ["--lang", lang] + [a for k, v in example.facts.items() for a in ("--set", f"{k}={v}")]
                assert main(args, console=console) == 0, example.name
                out = buf.getvalue()
                result = diagnose.diagnose(dict(example.facts))
                for found in result.causes:
                    title = kb.replies.personal(found.title, example.facts.get("viewing_whose"))  # as shown
                    assert title.get(lang)[:12] in out.replace("\n", ""), (example.name, found.id)


class TestNonInteractive:
    def test_set_and_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--set answers and --json prints Diagnosis.to_dict()."""
        assert main(["--set", "insurance_type=employee", "--set", "query_channel=bank", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["causes"][0]["id"] == "queried_financial_account"

    def test_answers_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--answers reads a JSON object of fact -> value."""
        path = tmp_path / "a.json"
        path.write_text(json.dumps({"insurance_type": "resident", "symptom": None}), encoding="utf-8")
        assert main(["--answers", str(path), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["causes"][0]["id"] == "resident_insurance_no_account"

    @pytest.mark.parametrize(
        ("args", "needle"),
        [
            (["--set", "insurance_type=rural"], "allowed: employee"),
            (["--set", "insurence_type=resident"], "did you mean 'insurance_type'"),
            (["--set", "insurance_type"], "FACT=VALUE"),
            (["--answers", "/nonexistent/a.json"], "cannot read"),
        ],
    )
    def test_bad_input_is_one_line(self, args: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
        """Bad input exits 1 with a single error line naming the problem."""
        assert main(args) == 1
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and needle.lower() in err.lower()

    def test_malformed_json_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A malformed answers file is reported with its line, not a traceback."""
        path = tmp_path / "a.json"
        path.write_text("{oops", encoding="utf-8")
        assert main(["--answers", str(path)]) == 1
        assert "not valid JSON" in capsys.readouterr().err

    def test_answers_file_with_bom(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An answers file saved with a UTF-8 BOM (as Windows Notepad does) is read like any other."""
        path = tmp_path / "a.json"
        path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"insurance_type": "resident"}).encode())
        assert main(["--answers", str(path), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["causes"][0]["id"] == "resident_insurance_no_account"

    def test_answers_from_stdin(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        """`--answers -` reads the answers from standard input."""
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"insurance_type": "resident"}')))
        assert main(["--answers", "-", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["facts"] == {"insurance_type": "resident"}

    def test_repeated_fact_in_answers_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A JSON object giving a fact twice is bad input (JSON would silently keep the last one)."""
        path = tmp_path / "a.json"
        path.write_text('{"insurance_type": "resident", "insurance_type": "employee"}', encoding="utf-8")
        assert main(["--answers", str(path), "--json"]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        err = captured.err.strip()
        assert len(err.splitlines()) == 1 and "'insurance_type'" in err and "twice" in err

    def test_json_needs_answers(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--json without --answers or --set is bad usage: it does not print an empty diagnosis."""
        assert main(["--json"]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "--answers -" in captured.err and "--set" in captured.err

    @pytest.mark.parametrize(
        ("item", "fact", "value"),
        [
            ("insurance_type=职工医保", "insurance_type", "employee"),
            ("insurance_type=新农合", "insurance_type", "resident"),
            ("insurance_type= 灵活就业 ", "insurance_type", "flexible_employee"),
            ("retired=是", "retired", "yes"),
            ("query_channel=支付宝", "query_channel", "wechat_alipay"),
            ("insurance_type=不知道", "insurance_type", None),
        ],
    )
    def test_set_reads_words(self, item: str, fact: str, value: str | None, capsys: pytest.CaptureFixture[str]) -> None:
        """--set takes a choice's words, read like a reply to the questionnaire (不知道 means unknown)."""
        assert main(["--set", item, "--json"]) == 0
        facts = json.loads(capsys.readouterr().out)["facts"]
        assert facts.get(fact) == value

    @pytest.mark.parametrize("value", ["职工医保和居民医保", "3", "我去查一下", "xyz"])
    def test_set_words_must_be_one_clear_answer(self, value: str, capsys: pytest.CaptureFixture[str]) -> None:
        """Words that name two values, a choice number (meaningless without the list), "I'll look it up" or
        nothing known keep the error naming the fact, the value and the allowed values."""
        assert main(["--set", f"insurance_type={value}"]) == 1
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1
        assert "'insurance_type'" in err and repr(value) in err and "employee, flexible_employee" in err

    @pytest.mark.parametrize(
        "args",
        [
            ["--set", "insurance_type=" + "x" * 1_000_000],
            ["--set", "x" * 1_000_000 + "=resident"],
            ["--set", "y" * 1_000_000],
            ["--save", "z" * 1_000_000, "--set", "insurance_type=resident", "--json"],
            ["--answers", "w" * 1_000_000],
        ],
    )
    def test_errors_quote_at_most_80_characters(self, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
        """A 1 MB value gives a one-line message of normal size, not a 1 MB one."""
        assert main(args) in (1, 74)
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1
        assert len(err) < 1000 and "x" * 81 not in err and "y" * 81 not in err and "z" * 81 not in err

    def test_save_name_with_lone_surrogate(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A --save name no file system can take (a lone surrogate) exits 74 with one line naming the problem."""
        target = str(tmp_path / "t\ud800.md")
        assert main(["--set", "insurance_type=resident", "--json", "--save", target]) == 74
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "t\\ud800.md" in err and "cannot write" in err

    def test_save_name_with_markup(self, tmp_path: Path) -> None:
        """A --save name that looks like rich markup is shown as typed."""
        console, buf = _console()
        target = tmp_path / "a[red]b.md"
        assert main(["--set", "insurance_type=resident", "--save", str(target)], console=console) == 0
        assert target.exists() and "a[red]b.md" in buf.getvalue()

    def test_check_shipped_knowledge(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`check` passes on the shipped knowledge base."""
        assert main(["check"]) == 0
        assert capsys.readouterr().out.startswith("ok:")

    @pytest.mark.parametrize("engine", ["compiled", "experta"])
    def test_check_diagnoses_examples_with_the_engine_chosen(
        self, engine: str, kb_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """`check --engine` diagnoses the examples with that back-end (experta runs only when asked for); an
        example expecting another cause first fails on either, with the same message."""
        from diagnose.inference.engine import Engine

        runs = []
        real_run = Engine.run
        monkeypatch.setattr(Engine, "run", lambda self, answers: runs.append(1) or real_run(self, answers))
        path = kb_copy / "causes" / "transfer_pending.toml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('top = "transfer_pending"', 'top = "funds_used_up"', 1), encoding="utf-8")
        assert main(["--engine", engine, "check", str(kb_copy)]) == 3
        out = capsys.readouterr().out
        assert out.endswith(
            "causes/transfer_pending.toml:71: example[1] (transfer_old_city_zeroed_new_not_arrived): expects "
            "funds_used_up first, got transfer_pending\n1 problem(s) found\n"
        )
        assert bool(runs) == (engine == "experta")

    def test_check_broken_knowledge(self, kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """`check` on a broken directory exits 3 and names the file and place."""
        (kb_copy / "meta.toml").write_text("versin = 1\n", encoding="utf-8")
        assert main(["check", str(kb_copy)]) == 3
        out = capsys.readouterr().out
        assert "meta.toml:1: versin: unknown key; did you mean 'version'? Allowed: version" in out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
class TestRealTerminal:
    """`python -m diagnose` in a real pseudo-terminal, as a person would run it."""

    RESIDENT: ClassVar[dict[str, str]] = {"insurance_type": "resident", "symptom": "always_zero"}

    def spawn(self) -> tuple[int, int]:
        import pty

        pid, fd = pty.fork()
        if pid == 0:  # child: becomes the program under test
            os.environ["COLUMNS"] = "100"
            os.execv(sys.executable, [sys.executable, "-m", "diagnose"])
        return pid, fd

    def read_until(self, fd: int, needle: str, timeout: float = 30.0) -> str:
        data = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            data += chunk
            if needle.encode() in data:
                break
        return data.decode("utf-8", errors="replace")

    def answer(self, screen: str, persona: dict[str, str]) -> bytes:
        """The keys a person with these facts types for the question last shown on `screen`."""
        kb = diagnose.load_knowledge()
        fact = max(kb.facts.values(), key=lambda f: screen.rfind(f.question.zh))
        value = persona.get(fact.id)
        return (str(fact.allowed.index(value) + 1) if value else "0").encode() + b"\r"

    def finish(self, pid: int, fd: int) -> tuple[int, str]:
        rest = self.read_until(fd, "\x00never", timeout=60)
        for _ in range(100):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            pytest.fail("the program did not exit")
        os.close(fd)
        return os.waitstatus_to_exitcode(status), rest

    def test_full_consultation_with_garbage_and_back(self) -> None:
        """Garbage is asked again, 'b' goes back, and the result shows without a traceback."""
        pid, fd = self.spawn()
        screen = self.read_until(fd, "> ")
        os.write(fd, "垃圾输入\r".encode())
        screen += self.read_until(fd, "> ")
        assert "没看懂" in screen
        os.write(fd, b"0\r")  # 不知道: the next question comes
        screen += self.read_until(fd, "> ")
        os.write(fd, b"b\r")
        screen += self.read_until(fd, "> ")
        assert "已返回上一题" in screen
        rest = ""
        for _ in range(12):  # answer as the person would until the result
            os.write(fd, self.answer(screen, self.RESIDENT))
            more = self.read_until(fd, "> ", timeout=20)
            screen += more
            if "根据您的回答" in more or "> " not in more:
                rest = more
                break
        code, tail = self.finish(pid, fd)
        assert code == 0
        assert "城乡居民医保不设个人账户" in rest + tail
        assert "Traceback" not in screen + tail

    def test_ctrl_c_exits_130(self) -> None:
        """Ctrl-C at a prompt exits with 130 and no traceback."""
        pid, fd = self.spawn()
        self.read_until(fd, "> ")
        os.write(fd, b"\x03")
        code, rest = self.finish(pid, fd)
        assert code == 130
        assert "Traceback" not in rest and "已中断" in rest

    def test_eof_exits_cleanly(self) -> None:
        """Ctrl-D (EOF) at a prompt ends cleanly with the result so far."""
        pid, fd = self.spawn()
        self.read_until(fd, "> ")
        os.write(fd, b"\x04")
        code, rest = self.finish(pid, fd)
        assert code == 0
        assert "Traceback" not in rest and "输入结束" in rest


def test_typed_markup_is_shown_literally() -> None:
    """Typing rich markup such as '[/x]' at a question is an unreadable answer, not a crash."""
    console, buf = _console()
    _, read = _script("[/x]", "[bold]oops")
    assert main([], read=read, console=console) == 0
    assert buf.getvalue().count("没看懂") == 2 and "[/x]" in buf.getvalue()


def test_sources_command_shows_both_audiences(capsys: pytest.CaptureFixture[str]) -> None:
    """`sources` lists what citizens see and every source behind it (seed files included) for maintainers."""
    assert main(["sources", "queried_financial_account"]) == 0
    out = capsys.readouterr().out
    assert "citizens:" in out and "seed000" in out
    assert main(["sources", "no_such_cause"]) == 2


class TestEngineAndStartUp:
    """The CLI diagnoses with the compiled back-end by default (issue 15), and its light paths stay light."""

    CLI: ClassVar[list[str]] = ["--set", "insurance_type=employee", "--set", "query_channel=bank", "--json"]

    def _modules(self, code: str) -> list[str]:
        import subprocess

        probe = (
            f"{code}; import json, sys; print(json.dumps(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('experta', 'rich', 'jsonschema', 'starlette') or m == 'diagnose.api')), "
            "file=sys.__stdout__)"
        )
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        return list(json.loads(out.stdout.strip().splitlines()[-1]))

    def test_both_engines_give_the_same_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--engine experta and the default give the same diagnosis."""
        assert main(self.CLI) == 0
        default = json.loads(capsys.readouterr().out)
        assert main([*self.CLI, "--engine", "experta"]) == 0
        assert json.loads(capsys.readouterr().out) == default
        assert default["causes"][0]["id"] == "queried_financial_account"

    def test_an_unknown_engine_is_a_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A bad --engine names the allowed values, exits 2 and shows no traceback."""
        assert main([*self.CLI, "--engine", "rete"]) == 2
        err = capsys.readouterr().err
        assert "--engine" in err and "compiled" in err and "experta" in err and "Traceback" not in err

    def test_json_path_imports_neither_experta_nor_rich(self) -> None:
        """A --set ... --json run loads no engine library, no terminal UI and no validator."""
        code = (
            "import io, contextlib; from diagnose.adapters.cli import main; "
            f"contextlib.redirect_stdout(io.StringIO()).__enter__(); main({self.CLI!r})"
        )
        assert self._modules(code) == ["diagnose.api"]

    def test_import_diagnose_loads_the_library_on_first_use(self) -> None:
        """`import diagnose` alone imports none of the library modules; the first public name loads them."""
        assert self._modules("import diagnose") == []
        assert self._modules("import diagnose; diagnose.Consultation") == ["diagnose.api"]


def test_a_second_settled_cause_is_not_called_merely_possible() -> None:
    """A tier that builds no account beside an ATM reading: both are settled, so the second is listed under
    "other causes found", not "also possible"; a second cause that is only worth checking stays "also possible"."""
    from diagnose.render.sections import sections

    both = diagnose.diagnose(
        {"insurance_type": "flexible_employee", "flexible_tier": "pool_only", "query_channel": "bank"}
    )
    assert both.causes[1].status in ("confirmed", "likely")
    groups = {s.group for s in sections(both, "zh") if s.kind == "also"}
    assert groups == {"另外还查到这些原因"}
    assert {s.group for s in sections(both, "en") if s.kind == "also"} == {"Other causes found"}
    one = diagnose.diagnose({"insurance_type": "employee", "symptom": "went_to_zero"})
    assert {s.group for s in sections(one, "zh") if s.kind == "also"} == {"也可能是"}
