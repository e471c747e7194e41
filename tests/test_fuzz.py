"""Fuzzing with hypothesis: random, garbled or huge input only ever raises the package's documented errors.

Every public entry point is fed garbage: `diagnose()`, free-text replies and prefill, saved consultation states,
corrupted knowledge directories and the command line. The property is always the same: the call either
succeeds (and its result is usable) or raises a subclass of `diagnose.DiagnoseError` (TypeError only for an
argument of the wrong type); any other exception is a bug.

The bugs fuzzing found (and that are now fixed) keep a regression test each in `TestFoundBugs`, with the
minimal input that triggered them.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from rich.console import Console

import diagnose
from diagnose import Consultation, ConsultationError, Diagnosis, KnowledgeError, Reply, StateError
from diagnose.adapters.cli import main
from diagnose.knowledge.model import Fact
from diagnose.render.sections import why_lines

pytestmark = pytest.mark.slow  # hypothesis fuzzing: the full run (CI), not the quick one

KB = diagnose.load_knowledge()
FACT_IDS = sorted(KB.facts)
DERIVED_IDS = sorted(KB.derived)
ALL_VALUES = sorted({v for f in KB.facts.values() for v in f.allowed})
STATE_FORMAT = Consultation().to_dict()["format"]
WORDS = sorted(
    {w for f in KB.facts.values() for v in f.values for w in (*v.synonyms, v.id, v.label.zh, v.label.en)}
    | set(KB.replies.dont_know)
    | set(KB.replies.yes)
    | set(KB.replies.no)
    | set(KB.replies.negations)
)
EXIT_CODES = {0, 1, 2, 3, 74, 130}

FAST = settings(max_examples=200, deadline=None)
SLOW = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- strategies ------------------------------------------------------------------------------------------------

GARBAGE = st.text(max_size=40)
HUGE = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(1_000, 30_000))
WORDY = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), max_size=8).map("".join)
NUMBERS = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.from_regex(r"\s*[0-9０-９٠-٩]{1,5}\s*", fullmatch=True),
    st.floats(allow_nan=True).map(str),
)
ODD = st.text(alphabet=st.characters(categories=("Cc", "Cf", "Cs", "Zs", "Zl", "So", "Mn")), max_size=30)
TEXTS = st.one_of(st.text(max_size=300), HUGE, WORDY, NUMBERS, ODD)

KEYS = st.one_of(
    st.sampled_from(FACT_IDS),
    st.sampled_from(DERIVED_IDS),
    GARBAGE,
    HUGE,
    st.integers(),
    st.floats(allow_nan=True),
    st.none(),
    st.booleans(),
    st.binary(max_size=10),
    st.tuples(st.integers(), st.text(max_size=3)),
)
VALUES = st.one_of(
    st.none(),
    st.sampled_from(ALL_VALUES),
    st.sampled_from(ALL_VALUES).map(lambda v: f" {v}\t"),
    GARBAGE,
    HUGE,
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.binary(max_size=20),
    st.lists(st.sampled_from(ALL_VALUES), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
NON_MAPPINGS = st.one_of(
    st.none(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.binary(max_size=20),
    st.lists(st.tuples(st.sampled_from(FACT_IDS), st.sampled_from(ALL_VALUES)), max_size=3),
    st.sets(st.integers(), max_size=3),
    st.just(object()),
)


def _valid_value(fact: Fact) -> st.SearchStrategy[str | None]:
    """None or an allowed value; for a free-text fact (a place name), a short run of Chinese or Latin letters."""
    if fact.free_text:
        letters = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5) | st.sampled_from("abcXYZ ·-")
        return st.none() | st.text(alphabet=letters, max_size=40)
    return st.none() | st.sampled_from(fact.allowed)


VALID_FACTS = st.fixed_dictionaries({}, optional={fid: _valid_value(f) for fid, f in KB.facts.items()})
# Mostly real fact ids (valid values, then anything), sometimes with garbage keys, so that values get checked too.
MAPPINGS = st.builds(
    lambda kind, valid, real, garbage: kind({**valid, **real, **garbage}),
    st.sampled_from([dict, MappingProxyType]),
    VALID_FACTS,
    st.dictionaries(st.sampled_from(FACT_IDS), VALUES, max_size=3),
    st.one_of(st.just({}), st.dictionaries(KEYS, VALUES, max_size=2)),
)


def _reply_texts(fact_id: str) -> st.SearchStrategy[str]:
    """Replies aimed at one question: its values' words and numbers, yes/no words, padded with a little noise."""
    fact = KB.facts[fact_id]
    words = sorted(
        {w for v in fact.values for w in (*v.synonyms, v.id, v.label.zh, v.label.en)}
        | {str(i) for i in range(len(fact.values) + 2)}
        | set(KB.replies.yes)
        | set(KB.replies.no)
        | set(KB.replies.dont_know)
    )
    pad = st.sampled_from(["", " ", "。", "嗯，", "我", "不是", "吧", "\n", "!", "　"]) | st.text(max_size=3)
    return st.builds(lambda a, w, b: a + w + b, pad, st.sampled_from(words), pad)


ASKABLE_IDS = [f for f in FACT_IDS if not KB.facts[f].free_text]
"""The facts a question can be pending on (a free-text fact is never asked)."""
PENDING_AND_TEXT = st.sampled_from(ASKABLE_IDS).flatmap(
    lambda f: st.tuples(st.just(f), st.booleans().flatmap(lambda aimed: _reply_texts(f) if aimed else TEXTS))
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
STATE_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "format": st.just(STATE_FORMAT) | JSON,
        "knowledge_version": st.just(KB.version) | JSON,
        "answers": st.lists(st.lists(st.sampled_from(FACT_IDS) | st.sampled_from(ALL_VALUES) | JSON, max_size=3))
        | JSON,
        "pending": st.sampled_from(FACT_IDS) | JSON,
        "prefilled": st.lists(st.sampled_from(FACT_IDS) | JSON, max_size=3) | JSON,
    },
)


def _base_states() -> list[dict[str, Any]]:
    """Valid saved states: empty, prefilled from example stories, and part-way through a consultation."""
    states = [Consultation().to_dict()]
    stories = [ex for cause in KB.causes.values() for ex in cause.examples if ex.story][:6]
    for i, ex in enumerate(stories):
        c = Consultation.from_text(ex.story or "")
        for _ in range(i % 3):
            q = c.next_question()
            if q is None:
                break
            c.answer(q.id, q.answer_from(ex.facts))
        c.next_question()
        states.append(c.to_dict())
    return states


BASE_STATES = _base_states()


def _finished_state() -> dict[str, Any]:
    """A consultation that has reached its result: no question is pending."""
    c = Consultation()
    c.answer("symptom", "always_zero")
    c.answer("insurance_type", "resident")
    assert c.next_question() is None
    return c.to_dict()


FINISHED = _finished_state()


# -- 1. diagnose() -------------------------------------------------------------------------------------------


class TestDiagnose:
    @FAST
    @given(facts=MAPPINGS)
    @example(facts={"insurance_type": "x" * 100_000})
    @example(facts={"region": "厦门" * 10_000})
    @example(facts={"region": "123456"})
    @example(facts={3: "employee"})
    @example(facts={"account_exists": "yes"})
    def test_random_mapping_raises_only_input_errors(self, facts: Mapping[Any, Any]) -> None:
        """A mapping of random keys and values gives a Diagnosis or an InputError, nothing else."""
        try:
            result = diagnose.diagnose(facts)
        except diagnose.InputError as exc:
            event(type(exc).__name__)
            assert str(exc)
            return
        event("diagnosed")
        assert isinstance(result, Diagnosis)
        json.dumps(result.to_dict())

    @FAST
    @given(facts=NON_MAPPINGS)
    def test_non_mapping_raises_type_error(self, facts: object) -> None:
        """An argument that is not a mapping raises TypeError."""
        with pytest.raises(TypeError):
            diagnose.diagnose(facts)  # type: ignore[arg-type]

    @FAST
    @given(facts=VALID_FACTS)
    def test_valid_facts_always_diagnose(self, facts: dict[str, str | None]) -> None:
        """Allowed values (or None) always give a Diagnosis with a cause or a fallback, serialisable as JSON."""
        result = diagnose.diagnose(facts)
        assert isinstance(result, Diagnosis)
        assert result.causes or result.fallback is not None
        json.dumps(result.to_dict())


# -- 2. free text: answer_text, extract_facts, from_text ----------------------------------------------------------


class TestFreeText:
    @settings(max_examples=300, deadline=None)
    @given(pending_text=PENDING_AND_TEXT, before=VALID_FACTS)
    @example(pending_text=("symptom", "٣"), before={})
    @example(pending_text=("symptom", "1" * 5000), before={})
    @example(pending_text=("retired", "不是"), before={})
    def test_answer_text_reads_or_asks_to_choose(
        self, pending_text: tuple[str, str], before: dict[str, str | None]
    ) -> None:
        """Any text replying to a pending question is an answer, a 不知道 or a "choose" that records nothing."""
        pending, text = pending_text
        state = {
            "format": STATE_FORMAT,
            "knowledge_version": KB.version,
            "answers": [[k, v] for k, v in before.items() if k != pending],
            "pending": pending,
            "prefilled": [],
        }
        c = Consultation.from_dict(state)
        answers = c.answers
        reply = c.answer_text(text)
        event(reply.kind)
        assert isinstance(reply, Reply)
        assert reply.fact == pending
        fact = KB.facts[pending]
        if reply.kind == "choose":
            assert c.answers == answers
            assert set(reply.choices) <= set(fact.allowed)
        elif reply.kind == "dont_know":
            assert c.answers == {**answers, pending: None}
        else:
            assert reply.kind == "answer"
            assert reply.value in fact.allowed
            assert c.answers == {**answers, pending: reply.value}
        json.dumps(c.to_dict())

    @FAST
    @given(text=TEXTS)
    def test_answer_text_without_pending_question_raises_consultation_error(self, text: str) -> None:
        """Once the consultation has reached its result, any reply raises ConsultationError."""
        c = Consultation.from_dict(FINISHED)
        with pytest.raises(ConsultationError):
            c.answer_text(text)

    @FAST
    @given(text=st.one_of(st.none(), st.integers(), st.binary(max_size=10), st.lists(st.text(max_size=3))))
    def test_non_text_raises_type_error(self, text: object) -> None:
        """A reply or message that is not a string raises TypeError."""
        c = Consultation()
        c.next_question()
        with pytest.raises(TypeError):
            c.answer_text(text)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            diagnose.extract_facts(text)  # type: ignore[arg-type]

    @FAST
    @given(text=TEXTS)
    @example(text="给爸妈交了居民医保，不是新农合" * 300)
    def test_extracted_facts_are_valid(self, text: str) -> None:
        """Every fact extract_facts reads from any text is a valid answer, and from_text accepts them all."""
        facts = diagnose.extract_facts(text)
        assert isinstance(facts, dict)
        for fact_id, value in facts.items():
            assert fact_id in KB.facts
            assert value in KB.facts[fact_id].allowed
        diagnose.diagnose(facts)
        c = Consultation.from_text(text)
        assert c.known() == facts
        assert set(c.prefilled) == set(facts)


class TestConsultationCalls:
    @FAST
    @given(calls=st.lists(st.tuples(KEYS, VALUES), max_size=6))
    def test_answer_records_or_raises_input_error(self, calls: list[tuple[Any, Any]]) -> None:
        """Random (fact, value) answers are recorded or refused with an InputError that leaves the answers as they
        were."""
        c = Consultation()
        for fact_id, value in calls:
            before = c.answers
            try:
                c.answer(fact_id, value)
            except diagnose.InputError:
                assert c.answers == before
        assert isinstance(c.result(), Diagnosis)
        while c.answers:
            c.undo()
        with pytest.raises(ConsultationError):
            c.undo()

    @FAST
    @given(fact_id=st.sampled_from(FACT_IDS + DERIVED_IDS) | GARBAGE | HUGE, before=VALID_FACTS)
    def test_why_explains_or_raises_unknown_fact(self, fact_id: str, before: dict[str, str | None]) -> None:
        """why() of any text is a Why with one effect per allowed value, or UnknownFactError."""
        c = Consultation()
        for k, v in before.items():
            c.answer(k, v)
        try:
            why = c.why(fact_id)
        except diagnose.UnknownFactError as exc:
            assert str(exc)
            return
        assert [e.value for e in why.effects] == list(KB.facts[fact_id].allowed)
        titles = {cid: cause.title for cid, cause in KB.causes.items()}
        assert len(why_lines(why, "zh", titles)) == 1  # one plain sentence


# -- 3. saved states -----------------------------------------------------------------------------------------


def _mutate(state: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """Apply one hypothesis-chosen edit to a copy of a saved state."""
    state = copy.deepcopy(state)
    keys = ["format", "knowledge_version", "answers", "pending", "prefilled"]
    op = data.draw(
        st.sampled_from(
            ["drop", "replace", "string", "answers_append", "answers_edit", "answers_drop", "pending", "prefilled"]
        )
    )
    key = data.draw(st.sampled_from(keys))
    answers = state.get("answers")
    if op == "drop":
        state.pop(key, None)
    elif op == "replace":
        state[key] = data.draw(JSON)
    elif op == "string":
        value = state.get(key)
        state[key] = (value if isinstance(value, str) else "") + data.draw(st.text(min_size=1, max_size=3))
    elif op == "answers_append" and isinstance(answers, list):
        pair = [data.draw(st.sampled_from(FACT_IDS) | JSON), data.draw(st.sampled_from(ALL_VALUES) | VALUES | JSON)]
        duplicate = copy.deepcopy(answers[0]) if answers else pair
        answers.append(data.draw(st.sampled_from([pair, pair[:1], [*pair, None], duplicate])))
    elif op == "answers_edit" and isinstance(answers, list) and answers:
        i = data.draw(st.integers(0, len(answers) - 1))
        new = data.draw(JSON | st.sampled_from(ALL_VALUES) | st.sampled_from(DERIVED_IDS))
        if isinstance(answers[i], list) and answers[i]:
            answers[i][data.draw(st.integers(0, len(answers[i]) - 1))] = new
        else:
            answers[i] = new
    elif op == "answers_drop" and isinstance(answers, list) and answers:
        del answers[data.draw(st.integers(0, len(answers) - 1))]
    elif op == "pending":
        state["pending"] = data.draw(st.sampled_from(FACT_IDS) | st.sampled_from(DERIVED_IDS) | JSON)
    elif op == "prefilled":
        state["prefilled"] = data.draw(st.lists(st.sampled_from(FACT_IDS) | JSON, max_size=4) | JSON)
    return state


class TestState:
    def _restore(self, state: object) -> None:
        """Restore `state`: a usable Consultation that saves itself back identically, or a StateError."""
        try:
            c = Consultation.from_dict(state)
        except StateError as exc:
            event("StateError")
            assert str(exc)
            return
        event("restored")
        saved = json.loads(json.dumps(c.to_dict()))
        assert Consultation.from_dict(saved).to_dict() == saved
        assert isinstance(c.result(), Diagnosis)

    @FAST
    @given(state=JSON | STATE_LIKE)
    def test_random_json_restores_or_raises_state_error(self, state: object) -> None:
        """Random JSON-like data is restored or refused with StateError, never another exception."""
        self._restore(state)

    @settings(max_examples=300, deadline=None)
    @given(base=st.sampled_from(BASE_STATES), edits=st.integers(1, 3), data=st.data())
    def test_mutated_state_restores_or_raises_state_error(
        self, base: dict[str, Any], edits: int, data: st.DataObject
    ) -> None:
        """A valid saved state with keys dropped, values changed or wrong types is restored or refused with
        StateError."""
        state = base
        for _ in range(edits):
            state = _mutate(state, data)
        self._restore(state)


# -- 4. corrupted knowledge directories ------------------------------------------------------------------------

_KB_SOURCE = Path(KB.path)
_KB_FILES = sorted(str(p.relative_to(_KB_SOURCE)) for p in _KB_SOURCE.rglob("*.toml"))
_ORIGINALS = {rel: (_KB_SOURCE / rel).read_bytes() for rel in _KB_FILES}
_ASSIGNMENT = re.compile(rb"(?m)^([ \t]*[A-Za-z0-9_.\"-]+[ \t]*=[ \t]*)(.*)$")

TOML_SCALARS = st.one_of(
    st.integers().map(str),
    st.floats(allow_nan=True).map(lambda x: str(x).lower()),
    st.sampled_from(["true", "false", "nan", "-inf", "1979-05-27T07:32:00Z", "07:32:00", '""', "''", "[]", "{}"]),
    st.text(max_size=20).map(json.dumps),
    st.sampled_from(ALL_VALUES + FACT_IDS).map(json.dumps),
    st.text(max_size=20),
)
TOML_VALUES = st.recursive(
    TOML_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(st.sampled_from(["id", "zh", "en", "when", "value", "x"]), children, max_size=3).map(
            lambda d: "{ " + ", ".join(f"{k} = {v}" for k, v in d.items()) + " }"
        ),
    ),
    max_leaves=8,
)


def _corrupt(content: bytes, data: st.DataObject) -> bytes | None:
    """Apply one hypothesis-chosen edit to a file's bytes; None deletes the file."""
    op = data.draw(
        st.sampled_from(
            ["truncate", "insert_bytes", "insert_text", "replace_value", "swap_value", "delete_line", "delete_file"]
        )
    )
    if op == "delete_file":
        return None
    pos = data.draw(st.integers(0, len(content)))
    if op == "truncate":
        return content[:pos]
    if op == "insert_bytes":
        return content[:pos] + data.draw(st.binary(min_size=1, max_size=20)) + content[pos:]
    if op == "insert_text":
        toml_bits = st.sampled_from(["[[fact]]", "[", "]", "=", '"', "\n", "[fact.synonyms]", "id = 1\n"])
        text = data.draw(st.one_of(st.text(min_size=1, max_size=30), toml_bits))
        return content[:pos] + text.encode("utf-8", "surrogatepass") + content[pos:]
    lines = content.split(b"\n")
    if op == "delete_line":
        del lines[data.draw(st.integers(0, len(lines) - 1))]
        return b"\n".join(lines)
    matches = list(_ASSIGNMENT.finditer(content))
    if not matches:
        return content
    m = data.draw(st.sampled_from(matches))
    if op == "swap_value":  # another value of the same file: often still valid TOML, wrong in meaning
        value = data.draw(st.sampled_from(matches)).group(2)
    else:
        value = data.draw(TOML_VALUES).encode("utf-8", "surrogatepass")
    return content[: m.start(2)] + value + content[m.end(2) :]


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One writable copy of the shipped knowledge directory; each example restores what it changed."""
    target = tmp_path_factory.mktemp("fuzz") / "knowledge"
    shutil.copytree(_KB_SOURCE, target)
    return target


class TestKnowledge:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(files=st.lists(st.sampled_from(_KB_FILES), min_size=1, max_size=3), data=st.data())
    def test_corrupted_knowledge_loads_or_raises_knowledge_error(
        self, kb_dir: Path, files: list[str], data: st.DataObject
    ) -> None:
        """A knowledge directory with truncated, garbled or edited files loads (and lints) or raises KnowledgeError."""
        try:
            for rel in files:
                path = kb_dir / rel
                current = path.read_bytes() if path.exists() else _ORIGINALS[rel]
                edited = _corrupt(current, data)
                if edited is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(edited)
            try:
                kb = diagnose.load_knowledge(kb_dir)
            except KnowledgeError as exc:
                event("KnowledgeError")
                assert exc.problems and str(exc)
            else:
                event("loaded")
                assert kb.facts and kb.causes
                # Still loadable: `check` lints it (rules, examples run by a fresh Diagnoser) without an exception.
                with contextlib.redirect_stdout(io.StringIO()):
                    assert main(["check", str(kb_dir)]) in (0, 3)
        finally:
            for rel in files:
                (kb_dir / rel).write_bytes(_ORIGINALS[rel])


# -- 5. the command line --------------------------------------------------------------------------------------

# What a real argv can hold, without "/" or "\\" so that a random --save or --answers path stays in the scratch
# directory.
ARG_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00/\\")
ARG_TEXT = st.text(alphabet=ARG_CHARS, max_size=20)
FLAGS = [
    "--lang",
    "zh",
    "en",
    "fr",
    "--json",
    "--set",
    "--answers",
    "--save",
    "-h",
    "--help",
    "--",
    "-",
    "--la",
    "--js",
    "--an",
    "--s",
    "--lang=en",
    "check",
    ".",
]
SET_ITEMS = st.builds(
    lambda k, sep, v: f"{k}{sep}{v}",
    st.sampled_from(FACT_IDS + DERIVED_IDS) | ARG_TEXT,
    st.sampled_from(["=", "", "==", " = "]),
    st.sampled_from(ALL_VALUES) | ARG_TEXT | st.sampled_from(["", "  "]),
)
ARGV = st.lists(
    st.one_of(
        st.sampled_from(FLAGS),
        ARG_TEXT,
        SET_ITEMS,
        st.tuples(st.just("--set"), SET_ITEMS),
        st.tuples(st.just("--answers"), st.sampled_from(["answers.json", "missing.json", ".", "", "answers.json/x"])),
        st.tuples(st.just("--save"), st.sampled_from(["out.md", "no/such/dir/out.md", ".", ""]) | ARG_TEXT),
        st.tuples(st.just("check"), st.sampled_from([".", "missing", str(_KB_SOURCE)]) | ARG_TEXT),
    ),
    max_size=6,
).map(lambda items: [x for item in items for x in (item if isinstance(item, tuple) else (item,))])
ANSWERS_FILES = st.one_of(
    st.dictionaries(st.sampled_from(FACT_IDS) | GARBAGE, st.sampled_from(ALL_VALUES) | JSON, max_size=5).map(
        lambda d: json.dumps(d).encode()
    ),
    JSON.map(lambda x: json.dumps(x).encode()),
    st.text(max_size=50).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=50),
    HUGE.map(lambda t: t.encode("utf-8", "surrogatepass")),
)
LINES = st.one_of(
    st.sampled_from(["1", "2", "3", "0", "?", "？", "b", "返回", "为什么", "dk", "", " ", "99", "-1", "²"]),
    TEXTS.map(lambda t: t[:500]),
)


@contextlib.contextmanager
def _inside(directory: Path) -> Iterator[None]:
    """Run with `directory` as the working directory, so relative --answers/--save paths stay in it."""
    before = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)


def _script(lines: list[str], end: type[BaseException]) -> tuple[Callable[[str], str], list[bool]]:
    """A read callback that types `lines`, then raises `end` (EOFError or KeyboardInterrupt); and whether it did."""
    it = iter(lines)
    ended: list[bool] = []

    def read(prompt: str) -> str:
        try:
            return next(it)
        except StopIteration:
            ended.append(True)
            raise end from None

    return read, ended


def _run_cli(argv: list[str], read: Callable[[str], str], workdir: Path, answers: bytes) -> int:
    """Call main() in `workdir` with its output captured."""
    (workdir / "answers.json").write_bytes(answers)
    console = Console(file=io.StringIO(), width=100, color_system=None)
    out, err = io.StringIO(), io.StringIO()
    with _inside(workdir), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv, read=read, console=console)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    event(f"exit {code}")
    return code


@pytest.fixture(scope="module")
def cli_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch working directory for CLI runs (answers files and transcripts land here)."""
    return tmp_path_factory.mktemp("fuzz_cli")


class TestCli:
    @SLOW
    @given(argv=ARGV, answers=ANSWERS_FILES, lines=st.lists(LINES, max_size=5))
    @example(argv=["--answers", "answers.json"], answers=b"\xff\xfe", lines=[])
    @example(argv=["--answers", "answers.json", "--json"], answers=b'{"insurance_type": ["employee"]}', lines=[])
    @example(argv=["--set", "region=" + "1" * 6, "--save", "out.md"], answers=b"", lines=[])
    def test_random_argv_returns_an_exit_code(
        self, cli_dir: Path, argv: list[str], answers: bytes, lines: list[str]
    ) -> None:
        """Random flags, --set items and answers files give a documented exit code, never an exception."""
        read, _ = _script(lines, EOFError)
        code = _run_cli(argv, read, cli_dir, answers)
        assert code in EXIT_CODES

    @SLOW
    @given(
        lines=st.lists(LINES, max_size=30),
        end=st.sampled_from([EOFError, KeyboardInterrupt]),
        lang=st.sampled_from([[], ["--lang", "en"]]),
    )
    def test_scripted_interactive_session_returns_an_exit_code(
        self, cli_dir: Path, lines: list[str], end: type[BaseException], lang: list[str]
    ) -> None:
        """Any typed lines ending in Ctrl-D (exit 0) or Ctrl-C (exit 130) end the interactive mode cleanly."""
        read, ended = _script(lines, end)
        code = _run_cli(lang, read, cli_dir, b"")
        assert code == (130 if ended and end is KeyboardInterrupt else 0)


# -- the bugs fuzzing found, each with its minimal input, now fixed ------------------------------------------


class TestFoundBugs:
    def test_superscript_digit_reply(self) -> None:
        """A reply of a digit that is not decimal (², ①) asks to choose instead of raising ValueError."""
        c = Consultation()
        c.next_question()
        assert c.answer_text("²").kind == "choose"

    def test_prefilled_with_a_list(self) -> None:
        """A 'prefilled' entry that is a list raises StateError, not TypeError."""
        state = {**Consultation().to_dict(), "prefilled": [[]]}
        with pytest.raises(StateError):
            Consultation.from_dict(state)

    def test_deeply_nested_toml_array(self, kb_dir: Path) -> None:
        """A TOML array nested 2000 deep is reported as a KnowledgeError."""
        path = kb_dir / "meta.toml"
        try:
            path.write_bytes(_ORIGINALS["meta.toml"] + b"\nx = " + b"[" * 2000 + b"\n")
            with pytest.raises(KnowledgeError):
                diagnose.load_knowledge(kb_dir)
        finally:
            path.write_bytes(_ORIGINALS["meta.toml"])

    def test_pattern_with_a_huge_repetition(self, kb_dir: Path) -> None:
        """A pattern like 'a{4294967296}' is reported as a KnowledgeError, not OverflowError."""
        self._load_with_pattern(kb_dir, "a{4294967296}")

    def test_pattern_nested_too_deep(self, kb_dir: Path) -> None:
        """A pattern of 2000 nested groups is reported as a KnowledgeError, not RecursionError."""
        self._load_with_pattern(kb_dir, "(" * 2000 + ")" * 2000)

    def _load_with_pattern(self, kb_dir: Path, pattern: str) -> None:
        path = kb_dir / "facts.toml"
        text = _ORIGINALS["facts.toml"].decode()
        anchor = 'paid_family_premium = ["('  # the [fact.patterns] entry, not the synonyms
        assert text.count(anchor) == 1
        try:
            path.write_text(text.replace(anchor, f'paid_family_premium = ["{pattern}", "(', 1), encoding="utf-8")
            with pytest.raises(KnowledgeError):
                diagnose.load_knowledge(kb_dir)
        finally:
            path.write_bytes(_ORIGINALS["facts.toml"])

    @pytest.mark.parametrize("content", [b"1" * 5000, b"[" * 100_000], ids=["5000-digit number", "deep nesting"])
    def test_answers_file_beyond_json_limits(self, cli_dir: Path, content: bytes) -> None:
        """An answers file with a 5000-digit number or 100000 nested brackets exits 1, without an exception."""
        (cli_dir / "answers.json").write_bytes(content)
        with _inside(cli_dir), contextlib.redirect_stderr(io.StringIO()):
            assert main(["--answers", "answers.json"], console=Console(file=io.StringIO())) == 1

    def test_check_with_bad_usage_returns_2(self) -> None:
        """`check` with an unknown option returns exit code 2 like the main parser, instead of raising SystemExit."""
        with contextlib.redirect_stderr(io.StringIO()):
            assert main(["check", "--bogus"]) == 2
