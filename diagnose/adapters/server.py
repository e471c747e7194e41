"""The HTTP service for helpdesk bots in any language: a stateless ASGI app (Starlette) over the library API.

    pip install "yibao-diagnose[server]"
    python -m diagnose serve --port 8000        # or: uvicorn diagnose.adapters.server:app

The consultation's state travels in every request and response (the wire schema "state"), so any number of
workers can serve any request. Errors are JSON `{"error", "field", "allowed"}` with a 4xx code; anything
unexpected is a generic 500, never a stack trace. The terminal front end (rich) is never imported here.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from diagnose.api import Diagnoser, default_diagnoser
from diagnose.consult.session import STATE_MAX_BYTES, Consultation
from diagnose.errors import ConsultationError, InvalidValueError, StateError, UnknownFactError

__all__ = ["BODY_MAX_BYTES", "ApiError", "app", "create_app"]

BODY_MAX_BYTES = 65536
"""The largest request body read (413 above it): a state (STATE_MAX_BYTES) and a message fit with room."""
_MESSAGE_MAX = 2000
_LANGS = ("zh", "en")


class ApiError(Exception):
    """A request the service refuses: its status code, what was wrong, the field and what is allowed."""

    def __init__(self, status: int, error: str, field: str | None = None, allowed: list[str] | None = None) -> None:
        super().__init__(error)
        self.status, self.error, self.field, self.allowed = status, error, field, allowed

    def response(self) -> JSONResponse:
        """The error as its JSON response."""
        body = {"error": self.error, "field": self.field, "allowed": self.allowed}
        return JSONResponse(body, status_code=self.status)


# -- reading requests ---------------------------------------------------------------------------------------


async def _body(request: Request) -> dict[str, Any]:
    """The request's JSON object, read up to BODY_MAX_BYTES and refused (413) before parsing when longer."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise ApiError(415, f"the body must be JSON (Content-Type: application/json), not {kind or 'none'!r}")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > BODY_MAX_BYTES:
        raise ApiError(413, f"the body is at most {BODY_MAX_BYTES} bytes; this one is {declared}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > BODY_MAX_BYTES:
            raise ApiError(413, f"the body is at most {BODY_MAX_BYTES} bytes")
        chunks.append(chunk)
    try:
        data = json.loads(b"".join(chunks).decode("utf-8"))
    except (ValueError, RecursionError):
        raise ApiError(400, "the body is not valid UTF-8 JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, f"the body must be a JSON object, not {type(data).__name__}")
    return data


def _only(data: dict[str, Any], *keys: str) -> None:
    """Refuse (422) a member the endpoint does not take, naming it and the ones it takes."""
    extra = sorted(set(data) - set(keys))
    if extra:
        raise ApiError(422, f"unknown member {extra[0]!r}", extra[0], list(keys))


def _text(data: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > _MESSAGE_MAX:
        raise ApiError(422, f"{key!r} must be a text of 1 to {_MESSAGE_MAX} characters", key)
    return value


def _lang(data: dict[str, Any]) -> str:
    lang = data.get("lang", "zh")
    if lang not in _LANGS:
        raise ApiError(422, "'lang' must be 'zh' or 'en'", "lang", list(_LANGS))
    return str(lang)


def _restore(data: dict[str, Any], diagnoser: Diagnoser) -> Consultation:
    """The consultation a request's `state` holds (the object a response returned, or its JSON text)."""
    state = data.get("state")
    if state is None:
        raise ApiError(422, "'state' is required: send back the state the last response returned", "state")
    text = state if isinstance(state, str) else json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode("utf-8", "surrogatepass")) > STATE_MAX_BYTES:
        raise ApiError(413, f"a state is at most {STATE_MAX_BYTES} bytes", "state")
    try:
        return Consultation.from_json(text, diagnoser)
    except StateError as exc:
        raise ApiError(422, str(exc), "state") from None


def _input_error(exc: UnknownFactError | InvalidValueError, prefix: str) -> ApiError:
    if isinstance(exc, UnknownFactError):
        return ApiError(422, str(exc), prefix or "fact", list(exc.known))
    return ApiError(422, str(exc), f"{prefix}.{exc.fact}" if prefix else "value", list(exc.allowed))


# -- answering ----------------------------------------------------------------------------------------------


def _step(c: Consultation, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The response after a turn: the state to send back, the next question (or the diagnosis) and why it stops."""
    question = c.next_question()
    return {
        **(extra or {}),
        "state": c.to_dict(),
        "question": question.to_dict() if question is not None else None,
        "should_stop": question is None,
        "stop_reason": c.stop_reason if question is None else None,
        "diagnosis": c.result().to_dict() if question is None else None,
        "left_open": [q.to_dict() for q in c.left_open] if question is None and c.stop_reason == "cap" else [],
    }


def _choices(c: Consultation, fact: str, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    values = c.kb.checklists[fact] if fact in c.kb.checklists else c.kb.facts[fact]
    return [{"id": v, "label": values.value(v).label.to_dict()} for v in ids]


def _answer(c: Consultation, data: dict[str, Any]) -> dict[str, Any]:
    if "text" in data:
        if "fact" in data or "value" in data:
            raise ApiError(422, "send either 'fact' and 'value' or 'text', not both", "text")
        reply = c.answer_text(_text(data, "text", required=True) or "")
        value: Any = list(reply.picked) if reply.fact in c.kb.checklists and reply.kind == "answer" else reply.value
        read = {"kind": reply.kind, "fact": reply.fact, "value": value}
        if reply.kind == "choose":
            question = c.pending  # answer_text leaves the question it could not read pending
            return {
                "reply": {**read, "choices": _choices(c, reply.fact, reply.choices)},
                "state": c.to_dict(),
                "question": question.to_dict() if question is not None else None,
                "should_stop": False,
                "stop_reason": None,
                "diagnosis": None,
                "left_open": [],
            }
        return _step(c, {"reply": {**read, "choices": []}})
    if "fact" not in data or "value" not in data:
        what = "'fact' with 'value' (a choice id, null for 不知道, a list for a checklist), or 'text'"
        raise ApiError(422, f"an answer is {what}", "fact")
    fact, value = data["fact"], data["value"]
    if not isinstance(fact, str):
        raise ApiError(422, "'fact' must be a fact id", "fact", list(c.kb.facts))
    try:
        c.answer(fact, value)
    except (UnknownFactError, InvalidValueError) as exc:
        raise _input_error(exc, "") from None
    return _step(c, {"reply": {"kind": "answer" if value is not None else "dont_know", "fact": fact, "value": value}})


# -- the endpoints ------------------------------------------------------------------------------------------


def _diagnoser(request: Request) -> Diagnoser:
    diagnoser: Diagnoser = getattr(request.app.state, "diagnoser", None) or default_diagnoser()
    return diagnoser


async def diagnose_facts(request: Request) -> Response:
    """POST /v1/diagnose {facts, lang?}: the diagnosis, and the sections a screen shows in `lang`."""
    from diagnose.render.sections import sections

    data = await _body(request)
    _only(data, "facts", "lang")
    facts, lang = data.get("facts"), _lang(data)
    if not isinstance(facts, dict):
        raise ApiError(422, "'facts' must be an object {fact id: value id or null}", "facts")
    diagnoser = _diagnoser(request)
    try:
        result = diagnoser.diagnose(facts)
    except (UnknownFactError, InvalidValueError) as exc:
        raise _input_error(exc, "facts") from None
    shown = [asdict(s) for s in sections(result, lang, diagnoser.kb.replies)]
    return JSONResponse({"diagnosis": result.to_dict(), "sections": shown})


async def start(request: Request) -> Response:
    """POST /v1/consultations {message?}: a new consultation, prefilled from the first message."""
    data = await _body(request)
    _only(data, "message")
    message = _text(data, "message")
    diagnoser = _diagnoser(request)
    c = Consultation(diagnoser) if message is None else Consultation.from_text(message, diagnoser)
    answers = c.answers
    mentioned = [{"fact": f, "value": v, "span": span} for f, v, span in c.mentioned]
    extra = {"extracted": {f: answers[f] for f in c.prefilled}, "mentioned": mentioned, "suggested": c.suggested}
    return JSONResponse(_step(c, extra))


async def answer(request: Request) -> Response:
    """POST /v1/consultations/answer {state, fact, value} or {state, text}: the next turn."""
    data = await _body(request)
    _only(data, "state", "fact", "value", "text")
    c = _restore(data, _diagnoser(request))
    try:
        return JSONResponse(_answer(c, data))
    except ConsultationError as exc:
        raise ApiError(409, str(exc), "state") from None


async def result(request: Request) -> Response:
    """POST /v1/consultations/result {state}: the diagnosis for the answers so far."""
    data = await _body(request)
    _only(data, "state")
    return JSONResponse(_restore(data, _diagnoser(request)).result().to_dict())


async def knowledge(request: Request) -> Response:
    """GET /v1/knowledge: the facts with their questions and choices, the causes and the channels."""
    from diagnose.adapters.openapi import knowledge_dict

    return JSONResponse(knowledge_dict(_diagnoser(request).kb))


async def healthz(request: Request) -> Response:
    """GET /healthz: ok, with the knowledge-base version."""
    kb = _diagnoser(request).kb
    return JSONResponse({"status": "ok", "knowledge_version": kb.version, "knowledge_hash": kb.content_hash})


async def openapi(request: Request) -> Response:
    """GET /openapi.json: the OpenAPI 3.1 document, with the wire schemas as components."""
    from diagnose.adapters.openapi import document

    return JSONResponse(document())


async def docs(request: Request) -> Response:
    """GET /docs: a small page listing the endpoints."""
    from diagnose.adapters.openapi import docs_html

    return HTMLResponse(docs_html())


# -- errors -------------------------------------------------------------------------------------------------


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    allowed = None
    if exc.status_code == 405:
        allowed = sorted(m for r in request.app.routes if r.path == request.url.path for m in r.methods or ())
    return ApiError(exc.status_code, str(exc.detail).lower(), None, allowed).response()


async def _internal_error(request: Request, exc: Exception) -> Response:
    return ApiError(500, "internal error: the request could not be served (please report it)").response()


Handler = Callable[[Request, Exception], Awaitable[Response]]


def create_app(diagnoser: Diagnoser | None = None) -> Starlette:
    """The ASGI app, over `diagnoser` (the shipped knowledge base by default, loaded on the first request)."""
    routes = [
        Route("/v1/diagnose", diagnose_facts, methods=["POST"]),
        Route("/v1/consultations", start, methods=["POST"]),
        Route("/v1/consultations/answer", answer, methods=["POST"]),
        Route("/v1/consultations/result", result, methods=["POST"]),
        Route("/v1/knowledge", knowledge, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
    ]
    handlers: dict[Any, Handler] = {ApiError: _api_error, HTTPException: _http_error, Exception: _internal_error}

    @contextlib.asynccontextmanager
    async def lifespan(application: Starlette) -> AsyncIterator[None]:
        if (
            getattr(application.state, "diagnoser", None) is None
        ):  # each worker loads the knowledge before its first request
            default_diagnoser().matcher  # noqa: B018
        yield

    application = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    application.state.diagnoser = diagnoser
    return application


app = create_app()
"""The app over the shipped knowledge base: `uvicorn diagnose.adapters.server:app`."""
