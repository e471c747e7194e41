"""The answers given on the command line: an --answers JSON file (or standard input) and --set FACT=VALUE."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from diagnose.adapters.streams import io_problem
from diagnose.errors import InputError, InvalidValueError, quote

if TYPE_CHECKING:
    from diagnose.consult.session import Consultation

__all__ = ["answer_typed", "read_answers"]


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
        raise InputError(f"cannot read {name}: {io_problem(exc)}", fact="") from exc
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


def read_answers(path: str | None, sets: Sequence[str]) -> tuple[dict[str, Any], set[str]]:
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


def answer_typed(consultation: Consultation, fact_id: str, value: str | None) -> None:
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
