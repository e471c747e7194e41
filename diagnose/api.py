"""The library call: validate answers, run the engine, build the Diagnosis. No I/O, no printing."""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Mapping
from pathlib import Path

from diagnose.consult.planner import Planner
from diagnose.consult.reader import TextMatcher
from diagnose.consult.reading import Reading
from diagnose.errors import InvalidValueError, UnknownFactError
from diagnose.inference import compiled, semantics
from diagnose.inference import result as _diagnosis
from diagnose.inference.engine import Engine
from diagnose.inference.result import Diagnosis
from diagnose.knowledge.model import KnowledgeBase

__all__ = [
    "ENGINES",
    "Diagnoser",
    "default_diagnoser",
    "diagnose",
    "extract_facts",
    "load_knowledge",
    "read_message",
    "validate_facts",
]

ENGINES = ("experta", "compiled", "python")
"""The back-ends a Diagnoser runs; experta is the default."""

_FREE_TEXT_MAX = 40
# A free-text answer (the region) is a place name: Chinese characters, letters, spaces and the joiners of
# names. Digits, @ and anything else (an ID, card or phone number, an e-mail, control characters) are refused.
_PLACE = re.compile(r"^[\u3400-\u9fff\uf900-\ufaffA-Za-z ·・\-'’()（）]+$")


def validate_facts(kb: KnowledgeBase, facts: Mapping[str, str | None]) -> dict[str, str]:
    """Check answers against the vocabulary and return the known ones (None and missing mean unknown).

    Raises:
        TypeError: `facts` is not a mapping.
        UnknownFactError: a fact id the knowledge base does not define (with the nearest id).
        InvalidValueError: a value not allowed for its fact (with the allowed values).
    """
    if not isinstance(facts, Mapping):
        raise TypeError(f"facts must be a mapping of fact id to value, not {type(facts).__name__}")
    out: dict[str, str] = {}
    for key, value in facts.items():
        if not isinstance(key, str) or key not in kb.facts:
            reason = "that fact is inferred, not answered:" if key in kb.derived else "unknown fact"
            raise UnknownFactError(str(key), kb.facts, reason=reason)
        if value is None:
            continue
        fact = kb.facts[key]
        if not isinstance(value, str):
            raise InvalidValueError(key, value, fact.allowed, reason=f"expected text, got {type(value).__name__}")
        value = value.strip()
        if fact.free_text:
            if not value:
                continue
            if len(value) > _FREE_TEXT_MAX or not _PLACE.match(value):
                raise InvalidValueError(
                    key,
                    "(not shown)",
                    (),
                    reason=f"must be a place name of at most {_FREE_TEXT_MAX} letters, such as 杭州 (no numbers, "
                    "e-mail or other personal data: they are never stored)",
                )
        elif value not in fact.allowed:
            raise InvalidValueError(key, value, fact.allowed)
        out[key] = value
    return out


class Diagnoser:
    """Diagnoses against one knowledge base. Safe to share between threads (one engine per thread)."""

    def __init__(self, kb: KnowledgeBase, *, cache_size: int = 4096, engine: str = "experta") -> None:
        """Diagnose against `kb`.

        Args:
            kb: a loaded knowledge base.
            cache_size: how many answer sets' diagnoses to keep (0: none).
            engine: "experta" (the forward-chaining engine, the default), "compiled" (the same rules compiled to
                plain Python for this knowledge base, diagnose.inference.compiled: for bots that serve many
                users) or "python" (the semantics evaluated directly, diagnose.inference.semantics). Tests show
                that they give equal diagnoses on every answer set.
        """
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(map(repr, ENGINES))}, not {engine!r}")
        self.kb = kb
        self.engine = engine
        self._engine = Engine(kb) if engine == "experta" else None
        self.planner = Planner(kb)
        """Evaluates answers in plain Python, for choosing questions fast (see diagnose._logic)."""
        self._matcher: TextMatcher | None = None
        # A diagnosis is a pure function of the answers and the knowledge base, so identical answer sets are
        # served from the cache. lru_cache is thread-safe.
        self._cached = functools.lru_cache(maxsize=cache_size)(self._diagnose)

    @property
    def matcher(self) -> TextMatcher:
        """The free-text matcher for this knowledge base, compiled on first use."""
        if self._matcher is None:
            self._matcher = TextMatcher(self.kb)
        return self._matcher

    def infer(self, answers: Mapping[str, str]) -> semantics.Inference:
        """Run the chosen back-end on validated answers."""
        if self._engine is not None:
            return self._engine.run(answers)
        if self.engine == "compiled":
            return compiled.infer(self.kb, answers)
        return semantics.infer(self.kb, answers)

    def _diagnose(self, key: tuple[tuple[str, str], ...]) -> Diagnosis:
        return _diagnosis.build(self.kb, self.infer(dict(key)))

    def diagnose(self, facts: Mapping[str, str | None]) -> Diagnosis:
        """Diagnose validated `facts`; see `diagnose.diagnose`."""
        answers = validate_facts(self.kb, facts)
        return self._cached(tuple(sorted(answers.items())))


def load_knowledge(path: str | os.PathLike[str] | None = None) -> KnowledgeBase:
    """Load, validate and cross-check a knowledge directory (the shipped one by default).

    Raises:
        KnowledgeError: listing every problem found, each with its file and the place in it.
    Unless `DIAGNOSE_NO_CACHE` is set, the result is kept in a cache file (see diagnose.knowledge.cache) and
    served from it while every knowledge file is unchanged, skipping the TOML parsing and validation.
    """
    from diagnose.knowledge.cache import cached_load, resolve

    return cached_load(resolve(path), _load_toml)


def _load_toml(root: Path) -> KnowledgeBase:
    from diagnose.knowledge.loader import load  # the TOML loader is only needed here, so `import diagnose` stays light

    return load(root)


_defaults: dict[str, Diagnoser] = {}
_default_lock = threading.Lock()


def default_diagnoser(engine: str = "experta") -> Diagnoser:
    """Return the Diagnoser for the shipped knowledge base and `engine`, loading it on first use."""
    with _default_lock:
        found = _defaults.get(engine)
        if found is None:
            if engine not in ENGINES:
                raise ValueError(f"engine must be one of {', '.join(map(repr, ENGINES))}, not {engine!r}")
            kb = next(iter(_defaults.values())).kb if _defaults else load_knowledge()
            found = _defaults[engine] = Diagnoser(kb, engine=engine)
        return found


def diagnose(facts: Mapping[str, str | None], *, engine: str = "experta") -> Diagnosis:
    """Explain why a personal-account balance shows 0, is missing or is low.

    Args:
        facts: fact id -> value, with the ids and values of the knowledge base (domain.md §6). A fact that is
            missing or None is unknown.
        engine: the back-end, "experta" (default), "compiled" or "python" (see `Diagnoser`); all give equal
            diagnoses.

    Returns:
        The Diagnosis: causes with the most likely first, warnings, notes, and a fallback when nothing fits.

    Raises:
        TypeError: `facts` is not a mapping.
        UnknownFactError: an unknown fact id; the message suggests the nearest one.
        InvalidValueError: a value not allowed for its fact; the message lists the allowed values.
        KnowledgeError: the shipped knowledge base is broken.
        ValueError: an unknown `engine`.
    """
    return default_diagnoser(engine).diagnose(facts)


def extract_facts(text: str) -> dict[str, str]:
    """Read the facts a person's message states plainly, e.g. 新农合 -> insurance_type=resident.

    Uses the words and patterns kept in the knowledge base (see `read_message`). Precision matters more than
    recall: only facts read about the subject with at least the knowledge base's confidence threshold.

    Raises:
        TypeError: `text` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    return default_diagnoser().matcher.extract(text)


def read_message(text: str) -> Reading:
    """Read a first message: its facts about the subject (each with span and confidence), whose account it is
    (`subject`), and the parts that matched nothing (`unmatched`). Personal identifiers are masked throughout.

    Raises:
        TypeError: `text` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    return default_diagnoser().matcher.read(text)
