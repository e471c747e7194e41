"""The wire format: every output of the example cases validates against the shipped schemas; forged states fail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import diagnose
from diagnose.consult.session import STATE_MAX_BYTES
from diagnose.consult.wire import NAMES, schema
from diagnose.knowledge.model import Example

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the [test] extra: pip install -e '.[test]'")

_KB = diagnose.load_knowledge()
EXAMPLES = [ex for cause in _KB.causes.values() for ex in cause.examples]
VALIDATORS = {name: jsonschema.Draft202012Validator(schema(name)) for name in NAMES}


def _errors(name: str, data: object) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in VALIDATORS[name].iter_errors(data)]


def test_the_schemas_are_valid_draft_2020_12() -> None:
    """Each shipped schema is itself a valid draft 2020-12 schema and names that draft."""
    for name in NAMES:
        data = schema(name)
        assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(data)


def _run(example: Example, start: diagnose.Consultation) -> list[tuple[str, object]]:
    """Every output of one consultation answered from the example: questions, answers, states, the diagnosis."""
    c = start
    out: list[tuple[str, object]] = [("state", c.to_dict())]
    while (q := c.next_question()) is not None:
        out.append(("question", q.to_dict()))
        out.append(("state", json.loads(c.to_json())))
        answer = {"fact": q.id, "value": example.facts.get(q.id)}
        out.append(("answer", answer))
        c.answer(answer["fact"], answer["value"])
        out.append(("state", c.to_dict()))
    out.append(("diagnosis", c.result().to_dict()))
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=[ex.name for ex in EXAMPLES])
def test_every_output_of_an_example_validates(example: Example) -> None:
    """The example's diagnosis, and each question, answer and state of a consultation answered from it, validate."""
    outputs = [("diagnosis", diagnose.diagnose(dict(example.facts)).to_dict())]
    outputs += _run(example, diagnose.Consultation())
    if example.story:
        outputs += _run(example, diagnose.Consultation.from_text(example.story))
    assert {name for name, _ in outputs} >= {"diagnosis", "state"}
    for name, data in outputs:
        assert _errors(name, data) == [], (name, data)


def test_free_text_answers_and_re_asks_validate() -> None:
    """A free-text answer validates, and so does a re-asked question (with its `reask` text) and its state."""
    assert _errors("answer", {"text": "不知道"}) == []
    c = diagnose.Consultation()
    for fact, value in {"symptom": "always_zero", "insurance_type": "employee", "retired": "no"}.items():
        c.answer(fact, value)
    c.answer("contribution_status", "stopped")
    questions = []
    while (q := c.next_question()) is not None and len(questions) < 30:
        questions.append(q.to_dict())
        c.answer(q.id, q.allowed[0])
    assert all(_errors("question", x) == [] for x in questions)
    assert _errors("state", c.to_dict()) == []


@pytest.mark.parametrize(
    ("name", "forged", "where"),
    [
        ("state", {"format": "diagnose.consultation/2"}, "format"),
        ("state", {"knowledge_hash": "not-a-hash"}, "knowledge_hash"),
        ("state", {"answers": [["symptom"]]}, "answers"),
        ("state", {"answers": [["symptom", 3]]}, "answers"),
        ("state", {"pending": 7}, "pending"),
        ("state", {"prefilled": ["symptom", "symptom"]}, "prefilled"),
        ("state", {"extra": True}, "extra"),
        ("answer", {"fact": "symptom", "value": "always_zero", "text": "是"}, ""),
        ("answer", {"fact": "Symptom!"}, "fact"),
        ("question", {"choices": []}, "choices"),
        ("diagnosis", {"causes": [], "fallback": None}, "fallback"),
    ],
)
def test_forged_outputs_fail_their_schema(name: str, forged: dict[str, Any], where: str) -> None:
    """A state, answer, question or diagnosis with a wrong, extra or missing member fails, at that member."""
    c = diagnose.Consultation()
    q = c.next_question()
    assert q is not None
    good = {
        "state": c.to_dict(),
        "answer": {"fact": q.id, "value": q.allowed[0]},
        "question": q.to_dict(),
        "diagnosis": c.result().to_dict(),
    }[name]
    assert _errors(name, good) == []
    errors = _errors(name, {**good, **forged})
    assert errors, forged
    assert any(where in e for e in errors), errors


def test_state_schema_documents_the_size_bound() -> None:
    """The state schema states STATE_MAX_BYTES, the bound from_json enforces."""
    assert str(STATE_MAX_BYTES) in schema("state")["description"]


def _state(**changes: Any) -> dict[str, Any]:
    c = diagnose.Consultation()
    c.answer("insurance_type", "employee")
    q = c.next_question()
    assert q is not None
    return {**c.to_dict(), **changes}


def test_a_state_from_another_knowledge_version_migrates() -> None:
    """A state saved with another version, whose facts and values still exist, keeps its answers and question."""
    old = _state(knowledge_version="2025.01.01", knowledge_hash="0" * 64)
    c = diagnose.Consultation.from_dict(old)
    assert c.migrated_from == "2025.01.01"
    assert c.answers == {"insurance_type": "employee"}
    assert c.to_dict()["pending"] == old["pending"]
    assert c.to_dict()["knowledge_version"] == _KB.version
    assert diagnose.Consultation.from_dict(_state()).migrated_from is None


def test_a_state_without_a_hash_is_taken_at_its_version() -> None:
    """A state written before the hash existed restores as this knowledge base's when its version matches."""
    old = {k: v for k, v in _state().items() if k != "knowledge_hash"}
    assert diagnose.Consultation.from_dict(old).migrated_from is None


@pytest.mark.parametrize(
    ("answers", "needle"),
    [
        ([["insurance_kind", "employee"]], "unknown fact 'insurance_kind'"),
        ([["insurance_type", "rural_cooperative"]], "'rural_cooperative' is not allowed"),
    ],
)
def test_a_state_whose_fact_or_value_is_gone_is_refused(answers: list[list[str]], needle: str) -> None:
    """A state from another version holding a dropped or renamed fact or value is refused, saying which and why."""
    old = _state(knowledge_version="2025.01.01", answers=answers, pending=None)
    with pytest.raises(diagnose.StateError, match=needle) as caught:
        diagnose.Consultation.from_dict(old)
    assert "2025.01.01" in str(caught.value) and "cannot migrate" in str(caught.value)


def test_an_edited_knowledge_base_has_another_hash_and_states_migrate(kb_copy: Path) -> None:
    """Editing a knowledge file changes the content hash; a state from the shipped one migrates to the edit."""
    meta = kb_copy / "meta.toml"
    meta.write_text(meta.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = diagnose.load_knowledge(kb_copy)
    assert edited.version == _KB.version
    assert len(edited.content_hash) == 64 and edited.content_hash != _KB.content_hash
    c = diagnose.Consultation.from_dict(_state(), diagnose.Diagnoser(edited))
    assert c.migrated_from == _KB.version and c.answers == {"insurance_type": "employee"}
    assert c.to_dict()["knowledge_hash"] == edited.content_hash


def test_the_schema_command_prints_one_or_lists_them() -> None:
    """`python -m diagnose schema NAME` prints the schema; no name or a bad one lists the names and exits 2."""
    run = [sys.executable, "-m", "diagnose", "schema"]
    ok = subprocess.run([*run, "state"], capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and json.loads(ok.stdout) == schema("state")
    for bad in ([], ["stat"]):
        out = subprocess.run(run + bad, capture_output=True, text=True, check=False)
        assert out.returncode == 2 and "state, question, answer, diagnosis" in out.stderr, out.stderr
        assert "Traceback" not in out.stderr


def test_the_library_never_imports_jsonschema() -> None:
    """Restoring a state and reading a schema do not import jsonschema (only the tests and the server may)."""
    code = (
        "import sys, diagnose; from diagnose.consult.wire import schema; schema('state');"
        "diagnose.Consultation.from_json(diagnose.Consultation().to_json());"
        "print('jsonschema' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
