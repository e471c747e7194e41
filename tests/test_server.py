"""The HTTP service end to end: a real uvicorn server on a loopback port, driven with urllib, bad input included."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the HTTP service needs the [server] extra: pip install -e '.[test]'")
pytest.importorskip("uvicorn", reason="the HTTP service needs the [server] extra: pip install -e '.[test]'")
jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the [test] extra")

from serving import call, process_server, thread_server  # noqa: E402

import diagnose  # noqa: E402
from diagnose.adapters.server import BODY_MAX_BYTES, create_app  # noqa: E402
from diagnose.consult.session import STATE_MAX_BYTES  # noqa: E402
from diagnose.consult.wire import NAMES, schema  # noqa: E402

_KB = diagnose.load_knowledge()
_VALID = {name: jsonschema.Draft202012Validator(schema(name)) for name in NAMES}
_APP = create_app()


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """The base URL of a real server over the shipped knowledge base."""
    with thread_server(_APP) as url:
        yield url


def _valid(name: str, data: object) -> None:
    errors = [f"{e.json_path}: {e.message}" for e in _VALID[name].iter_errors(data)]
    assert errors == [], errors


def _turn(data: dict[str, Any]) -> None:
    """A consultation response validates: its state, its question or its diagnosis."""
    _valid("state", data["state"])
    if data["should_stop"]:
        assert data["question"] is None and data["stop_reason"] in ("settled", "no_evidence", "cap")
        _valid("diagnosis", data["diagnosis"])
        for question in data["left_open"]:
            _valid("question", question)
        assert data["stop_reason"] == "cap" or data["left_open"] == []
    else:
        _valid("question", data["question"])
        assert data["stop_reason"] is None and data["diagnosis"] is None


def test_a_whole_consultation(base: str) -> None:
    """First message, answers by choice id until it stops, then the result: the library's own diagnosis."""
    example = next(ex for c in _KB.causes.values() for ex in c.examples if ex.story and len(ex.facts) >= 3)
    status, data = call("POST", base + "/v1/consultations", {"message": example.story})
    assert status == 200, data
    _turn(data)
    assert data["extracted"] == {f: data["state"]["answers"][i][1] for i, f in enumerate(data["extracted"])}
    turns = 0
    while not data["should_stop"]:
        fact = data["question"]["id"]
        status, data = call(
            "POST",
            base + "/v1/consultations/answer",
            {"state": data["state"], "fact": fact, "value": example.facts.get(fact)},
        )
        assert status == 200, data
        _turn(data)
        turns += 1
        assert turns < 40
    answers = dict(map(tuple, data["state"]["answers"]))
    expected = diagnose.diagnose(answers).to_dict()
    assert data["diagnosis"] == expected
    status, result = call("POST", base + "/v1/consultations/result", {"state": json.dumps(data["state"])})
    assert status == 200 and result == expected


def test_a_checklist_over_http(base: str) -> None:
    """The checklist comes as a question with `multiple`; a list of choice ids answers it, free text too ("2 6"),
    an unclear reply offers its choices again, and a wrong id is a 422 naming the checklist and the options."""
    _, data = call("POST", base + "/v1/consultations", {"message": "我的职工医保，国家医保服务平台上看是0，我自己的"})
    question = data["question"]
    while not question["multiple"]:
        body = {"state": data["state"], "fact": question["id"], "value": None}
        _, data = call("POST", base + "/v1/consultations/answer", body)
        question = data["question"]
    _valid("question", question)
    ids = [c["id"] for c in question["choices"]]
    status, bad = call(
        "POST", base + "/v1/consultations/answer", {"state": data["state"], "fact": question["id"], "value": ["nope"]}
    )
    assert status == 422 and question["id"] in bad["error"]
    checklist = _KB.checklists[question["id"]]
    assert bad["allowed"] == [*checklist.allowed, *(c.id for o in checklist.options for c in o.choices)]
    _, unclear = call("POST", base + "/v1/consultations/answer", {"state": data["state"], "text": "嗯嗯嗯"})
    assert unclear["reply"]["kind"] == "choose" and unclear["question"]["id"] == question["id"]
    assert [c["id"] for c in unclear["reply"]["choices"]] == ids
    _, by_text = call("POST", base + "/v1/consultations/answer", {"state": data["state"], "text": "2 6"})
    _turn(by_text)
    assert by_text["reply"] == {"kind": "answer", "fact": question["id"], "value": [ids[1], ids[5]], "choices": []}
    body = {"state": data["state"], "fact": question["id"], "value": [ids[1], ids[5]]}
    status, by_ids = call("POST", base + "/v1/consultations/answer", body)
    assert status == 200
    _turn(by_ids)
    assert by_ids["state"] == by_text["state"]
    assert by_ids["state"]["checklists"][0]["picked"] == [ids[1], ids[5]]
    assert by_ids["question"]["id"] in {_KB.checklists[question["id"]].option(i).fact for i in (ids[1], ids[5])}
    _, by_letter = call("POST", base + "/v1/consultations/answer", {"state": data["state"], "text": "6b"})
    sub = question["choices"][5]["values"][1]["id"]
    assert by_letter["reply"]["value"] == [sub]
    assert sub.split(".") in by_letter["state"]["answers"]  # "fact.value": answered at once


def test_at_the_cap_the_questions_left_open_come_back(base: str) -> None:
    """Someone who answers 不知道 to everything is stopped at the cap and told what would settle it."""
    status, data = call("POST", base + "/v1/consultations", {})
    while status == 200 and not data["should_stop"]:
        body = {"state": data["state"], "fact": data["question"]["id"], "value": None}
        status, data = call("POST", base + "/v1/consultations/answer", body)
        _turn(data)
    assert status == 200 and data["stop_reason"] == "cap"
    assert "insurance_type" in [q["id"] for q in data["left_open"]]


def test_free_text_answers(base: str) -> None:
    """Free text is read against the pending question; an unclear one returns the choices and records nothing."""
    _, data = call("POST", base + "/v1/consultations", {})
    assert data["extracted"] == {}
    pending = data["question"]["id"]
    status, unclear = call("POST", base + "/v1/consultations/answer", {"state": data["state"], "text": "嗯嗯嗯"})
    assert status == 200, unclear
    assert unclear["reply"]["kind"] == "choose" and unclear["reply"]["fact"] == pending
    offered = [c["id"] for c in unclear["reply"]["choices"]]
    assert offered and set(offered) <= set(_KB.facts[pending].allowed)
    assert unclear["state"]["answers"] == data["state"]["answers"] and unclear["question"]["id"] == pending
    _turn(unclear)
    status, known = call("POST", base + "/v1/consultations/answer", {"state": unclear["state"], "text": "不知道"})
    assert status == 200 and known["reply"]["kind"] == "dont_know"
    assert [pending, None] in known["state"]["answers"]


def test_diagnose_and_knowledge(base: str) -> None:
    """/v1/diagnose is the library's diagnosis with the sections in the asked language; /v1/knowledge lists all."""
    facts = {"insurance_type": "employee", "query_channel": "bank"}
    status, data = call("POST", base + "/v1/diagnose", {"facts": facts, "lang": "en"})
    assert status == 200 and data["diagnosis"] == diagnose.diagnose(facts).to_dict()
    assert data["diagnosis"]["causes"][0]["id"] == "queried_financial_account"
    assert data["sections"][0]["title"] == _KB.causes["queried_financial_account"].title.en
    _, kb = call("GET", base + "/v1/knowledge")
    assert [f["id"] for f in kb["facts"]] == list(_KB.facts)
    assert {c["id"] for c in kb["causes"]} == set(_KB.causes) and len(kb["channels"]) == len(_KB.channels)
    status, health = call("GET", base + "/healthz")
    assert status == 200 and health == {
        "status": "ok",
        "knowledge_version": _KB.version,
        "knowledge_hash": _KB.content_hash,
    }


def test_openapi_document(base: str) -> None:
    """/openapi.json is OpenAPI 3.1 with the wire schemas as components and every endpoint documented."""
    status, doc = call("GET", base + "/openapi.json")
    assert status == 200 and doc["openapi"] == "3.1.0"
    assert {n: doc["components"]["schemas"][n] for n in NAMES} == {n: schema(n) for n in NAMES}
    routes = {r.path for r in _APP.routes} - {"/openapi.json", "/docs"}
    assert set(doc["paths"]) == routes
    with urllib.request.urlopen(base + "/docs", timeout=30) as page:
        html = page.read().decode()
    assert page.headers["content-type"].startswith("text/html") and "/openapi.json" in html
    assert all(path in html for path in routes)


def _state() -> dict[str, Any]:
    c = diagnose.Consultation()
    c.next_question()
    return c.to_dict()


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("POST", "/v1/diagnose", {"facts": {"insurence_type": "employee"}}, 422, "facts"),
        ("POST", "/v1/diagnose", {"facts": {"insurance_type": "rural"}}, 422, "facts.insurance_type"),
        ("POST", "/v1/diagnose", {"facts": ["insurance_type"]}, 422, "facts"),
        ("POST", "/v1/diagnose", {"facts": {}, "lang": "fr"}, 422, "lang"),
        ("POST", "/v1/diagnose", {"facts": {}, "name": "张三"}, 422, "name"),
        ("POST", "/v1/consultations", {"message": 42}, 422, "message"),
        ("POST", "/v1/consultations", {"message": "我" * 2001}, 422, "message"),
        ("POST", "/v1/consultations/answer", {"text": "是"}, 422, "state"),
        ("POST", "/v1/consultations/answer", {"state": {**_state(), "format": "v0"}, "text": "是"}, 422, "state"),
        ("POST", "/v1/consultations/answer", {"state": '{"format":', "text": "是"}, 422, "state"),
        ("POST", "/v1/consultations/answer", {"state": _state(), "fact": "symptom", "value": "zero"}, 422, "value"),
        ("POST", "/v1/consultations/answer", {"state": _state(), "fact": "symptom"}, 422, "fact"),
        (
            "POST",
            "/v1/consultations/answer",
            {"state": _state(), "fact": "x", "value": None, "text": "是"},
            422,
            "text",
        ),
        ("POST", "/v1/consultations/result", {"state": {**_state(), "answers": "all"}}, 422, "state"),
        ("POST", "/v1/consultations/result", {"state": {"pad": "x" * STATE_MAX_BYTES}}, 413, "state"),
        ("POST", "/v1/consultations", [1, 2], 400, None),
        ("GET", "/v1/nowhere", None, 404, None),
        ("GET", "/v1/diagnose", None, 405, None),
    ],
)
def test_bad_input_is_a_json_error_naming_the_field(
    base: str, method: str, path: str, body: object, status: int, field: str | None
) -> None:
    """Each bad request gets its 4xx code and {error, field, allowed}, with the field named and no traceback."""
    got, data = call(method, base + path, body)
    assert got == status, data
    assert set(data) == {"error", "field", "allowed"} and data["error"], data
    assert data["field"] == field
    assert "Traceback" not in json.dumps(data)


def test_errors_say_what_is_allowed(base: str) -> None:
    """A wrong value lists the allowed values, a wrong method the allowed methods."""
    _, data = call("POST", base + "/v1/diagnose", {"facts": {"insurance_type": "rural"}})
    assert data["allowed"] == list(_KB.facts["insurance_type"].allowed)
    _, data = call("GET", base + "/v1/consultations")
    assert data["allowed"] == ["POST"]


def test_body_limits_and_content_type(base: str) -> None:
    """A body over the limit is 413 (declared or streamed), bad JSON 400 and another content type 415."""
    big = b'{"message": "' + b"x" * BODY_MAX_BYTES + b'"}'
    status, data = call("POST", base + "/v1/consultations", raw=big)
    assert status == 413 and str(BODY_MAX_BYTES) in data["error"]
    status, data = call("POST", base + "/v1/consultations", raw=iter([big[:40000], big[40000:]]))  # type: ignore[arg-type]
    assert status == 413, data
    assert call("POST", base + "/v1/consultations", raw=b"{not json")[0] == 400
    assert call("POST", base + "/v1/consultations", raw=b"\xff\xfe")[0] == 400
    status, data = call("POST", base + "/v1/consultations", raw=b"{}", headers={"Content-Type": "text/plain"})
    assert status == 415 and "application/json" in data["error"]


def test_an_answer_after_the_end_is_a_conflict(base: str) -> None:
    """Free text sent when the consultation has reached its result is 409, naming the state."""
    c = diagnose.Consultation.from_text("我在老家交的新农合，支付宝里医保余额一直是0")
    assert c.next_question() is None
    status, data = call("POST", base + "/v1/consultations/answer", {"state": c.to_dict(), "text": "是"})
    assert status == 409 and data["field"] == "state"


class _Exploding(diagnose.Diagnoser):
    def diagnose(self, facts: Any) -> diagnose.Diagnosis:
        raise RuntimeError("secret detail at /srv/diagnose/api.py line 99")


def test_a_handler_that_raises_is_a_generic_500(base: str) -> None:
    """An unexpected exception is a JSON 500 that shows neither the exception nor a traceback."""
    _APP.state.diagnoser = _Exploding(_KB)
    try:
        status, data = call("POST", base + "/v1/diagnose", {"facts": {}})
    finally:
        _APP.state.diagnoser = None
    assert status == 500, data
    assert set(data) == {"error", "field", "allowed"}
    text = json.dumps(data)
    assert "secret" not in text and "Traceback" not in text and "RuntimeError" not in text


_ASGI_CALLS = """
import asyncio, json, sys
from diagnose.adapters.server import app

async def post(path, body):
    data = json.dumps(body).encode()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "path": path,
             "raw_path": path.encode(), "query_string": b"", "root_path": "", "scheme": "http",
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    sent = []
    async def receive():
        return {"type": "http.request", "body": data, "more_body": False}
    async def send(message):
        sent.append(message)
    await app(scope, receive, send)
    return sent[0]["status"]

async def main():
    return [await post("/v1/diagnose", {"facts": {}}), await post("/v1/consultations", {"message": "ATM查是0"})]

print(asyncio.run(main()), sorted(m for m in sys.modules if m.split(".")[0] == "rich" or "terminal_ui" in m))
"""


def test_the_server_never_imports_rich() -> None:
    """Serving a diagnosis and a consultation imports neither rich nor the terminal front end."""
    out = subprocess.run([sys.executable, "-c", _ASGI_CALLS], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[200, 200] []", out.stderr


def test_serve_runs_workers() -> None:
    """`python -m diagnose serve --workers 2` starts a real service that answers on the loopback port."""
    with process_server("--workers", "2") as url:
        status, data = call("POST", url + "/v1/consultations", {"message": "银行ATM查医保卡余额是0"})
        assert status == 200 and data["extracted"].get("query_channel") == "bank"


def test_serve_without_the_extra_says_how_to_install_it() -> None:
    """Without starlette, `serve` says in one line how to install the extra, and exits 2."""
    code = (
        "import sys; sys.modules['starlette'] = None; from diagnose.adapters.cli import main; sys.exit(main(['serve']))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "pip install 'yibao-diagnose[server]'" in out.stderr


def test_no_personal_identifier_comes_back(base: str) -> None:
    """An ID number, a phone number and a name in the messages appear in no response and no state."""
    identifiers = ("110101199003074518", "13812345678", "王小明")
    message = f"我叫{identifiers[2]}，身份证{identifiers[0]}，电话{identifiers[1]}，在银行ATM查医保卡余额是0"
    status, data = call("POST", base + "/v1/consultations", {"message": message})
    assert status == 200, data
    seen = [json.dumps(data, ensure_ascii=False)]
    for text in identifiers:
        status, data = call("POST", base + "/v1/consultations/answer", {"state": data["state"], "text": text})
        assert status == 200, data
        seen.append(json.dumps(data, ensure_ascii=False))
    assert all(x not in s for x in identifiers for s in seen)
    assert all('"state"' in s for s in seen)
