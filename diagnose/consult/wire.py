"""The wire format a bot stores and sends: JSON Schemas for the state, a question, an answer and the diagnosis.

The schemas are data in diagnose/schemas/ (draft 2020-12); this module reads them, turns a Question into its
wire form, and restores a saved state's knowledge-base identity and answers (migrating across versions). It
never imports jsonschema: validating is the caller's choice (the tests and the HTTP service do).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from diagnose.errors import InputError, StateError, quote
from diagnose.knowledge.model import KnowledgeBase

if TYPE_CHECKING:
    from diagnose.consult.session import Consultation, Question

__all__ = ["NAMES", "question_dict", "restore_answers", "saved_with", "schema", "state_suggested"]

NAMES = ("state", "question", "answer", "diagnosis")
"""The wire schemas, each in diagnose/schemas/NAME.json."""


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema called `name` (one of NAMES), as parsed JSON.

    Raises:
        ValueError: no schema has that name (the message lists the names).
    """
    if name not in NAMES:
        raise ValueError(f"unknown schema {quote(name)}; known: {', '.join(NAMES)}")
    from importlib import resources  # only when a schema is asked for: it costs ~5 ms to import

    text = resources.files("diagnose.schemas").joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def question_dict(question: Question) -> dict[str, Any]:
    """A question's wire form: the fact it settles (or the checklist), its texts in zh and en, and the choices
    offered with their ids."""
    return {
        "id": question.id,
        "text": question.text.to_dict(),
        "help": question.help.to_dict(),
        "label": question.fact.label.to_dict(),
        "choices": [
            {
                "id": v.id,
                "label": v.label.to_dict(),
                "values": [{"id": x.id, "label": x.label.to_dict()} for x in question.sub_choices(v.id)],
            }
            for v in question.choices
        ],
        "reask": question.reask.to_dict() if question.reask is not None else None,
        "default": question.default,
        "multiple": question.multiple,
    }


def saved_with(data: Mapping[str, object], kb: KnowledgeBase) -> str | None:
    """The knowledge-base version a state was saved with when it is not `kb` (None when it is `kb`).

    A state without `knowledge_hash` (written before the hash existed) is taken at its version's word.

    Raises:
        StateError: `knowledge_version` or `knowledge_hash` is missing or of the wrong type.
    """
    version, digest = data.get("knowledge_version"), data.get("knowledge_hash", kb.content_hash)
    if not isinstance(version, str) or not version or len(version) > 40:
        raise StateError(
            f"'knowledge_version' must name the knowledge base the state was saved with, not {quote(version)}"
        )
    if not isinstance(digest, str) or len(digest) > 64:
        raise StateError(f"'knowledge_hash' must be the knowledge base's sha256 in hex, not {quote(digest)}")
    return None if (version, digest) == (kb.version, kb.content_hash) else version


def restore_answers(consultation: Consultation, answers: object) -> None:
    """Replay saved answers; one whose fact or value the knowledge base no longer has is refused, saying which.

    Raises:
        StateError: `answers` is not a list of [fact, value] pairs, a fact appears twice, or a pair is not valid
            here (after a knowledge-base update: the fact was dropped or renamed, or the value is gone).
    """
    if not isinstance(answers, list):
        raise StateError("'answers' must be a list of [fact, value] pairs")
    old = consultation.migrated_from
    moved = f" (saved with knowledge base {old!r}, this is {consultation.kb.version!r}: it cannot migrate)"
    for i, pair in enumerate(answers):
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
            raise StateError(f"answers[{i}] must be a [fact, value] pair")
        if pair[0] in consultation.answers:
            raise StateError(f"answers[{i}]: fact {pair[0]!r} appears twice")
        try:
            consultation.answer(pair[0], pair[1])
        except InputError as exc:
            raise StateError(f"answers[{i}]: {exc}{moved if old else ''}") from exc


def state_suggested(kb: KnowledgeBase, items: object) -> dict[str, str]:
    """A state's 'suggested' list of [fact, value] pairs, each an allowed value (StateError otherwise)."""
    if not isinstance(items, list):
        raise StateError("'suggested' must be a list of [fact, value] pairs")
    out: dict[str, str] = {}
    for i, pair in enumerate(items):
        ok = isinstance(pair, list) and len(pair) == 2 and pair[0] in kb.facts
        if not ok or pair[1] not in kb.facts[pair[0]].allowed or pair[0] in out:
            raise StateError(f"suggested[{i}] must be a [fact, value] pair of an allowed value, each fact once")
        out[pair[0]] = pair[1]
    return out
