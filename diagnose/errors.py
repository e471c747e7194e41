"""The package's errors, all under one base class.

    DiagnoseError
    ├── KnowledgeError          the knowledge base is malformed (file and place in it)
    ├── InputError              a fact given to the library is wrong
    │   ├── UnknownFactError    no such fact id
    │   └── InvalidValueError   the value is not allowed for that fact
    ├── ConsultationError       a consultation was used out of order (no question pending, nothing to undo)
    └── StateError              a saved consultation cannot be restored

Every error formats itself into one clear sentence and carries its context as attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "ConsultationError",
    "DiagnoseError",
    "InputError",
    "InvalidValueError",
    "KnowledgeError",
    "Problem",
    "StateError",
    "UnknownFactError",
    "nearest",
]


QUOTE_MAX = 80
"""Errors quote at most this many characters of a bad value or id: a caller that logs them never stores more."""


def quote(value: object) -> str:
    """repr() of at most QUOTE_MAX characters of `value`, marked when cut."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > QUOTE_MAX:
        return repr(text[:QUOTE_MAX]) + f"… ({len(text)} characters)"
    return repr(text) if isinstance(value, str) else text


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate closest to `word`, or None when nothing is close."""
    if len(word) > QUOTE_MAX:  # nothing that long is close to an id, and difflib is quadratic
        return None
    import difflib  # only when a suggestion is needed

    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


class DiagnoseError(Exception):
    """Base class of every error the package raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a knowledge file: where it is and what is wrong."""

    file: str
    place: str
    message: str
    line: int | None = None
    """The line of the table the problem is in, where known (1-based)."""

    def __str__(self) -> str:
        file = f"{self.file}:{self.line}" if self.line else self.file
        where = f"{file}: {self.place}" if self.place else file
        return f"{where}: {self.message}"


class KnowledgeError(DiagnoseError):
    """The knowledge base is malformed; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        head = str(self.problems[0]) if self.problems else "invalid knowledge base"
        more = len(self.problems) - 1
        super().__init__(head + (f" (and {more} more problem{'s' * (more > 1)})" if more > 0 else ""))


class InputError(DiagnoseError):
    """A fact passed to the library is wrong."""

    def __init__(self, message: str, *, fact: str) -> None:
        self.fact = fact
        super().__init__(message)


class UnknownFactError(InputError):
    """A fact id that the knowledge base does not define."""

    def __init__(self, fact: str, known: Iterable[str], *, reason: str = "unknown fact") -> None:
        self.known = tuple(sorted(known))
        self.suggestion = nearest(fact, self.known)
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        short = fact if len(fact) <= QUOTE_MAX else fact[:QUOTE_MAX] + "…"
        super().__init__(f"{reason} {quote(fact)}{hint} Known facts: {', '.join(self.known)}", fact=short)


class InvalidValueError(InputError):
    """A value that is not allowed for its fact."""

    def __init__(self, fact: str, value: object, allowed: Sequence[str], *, reason: str = "") -> None:
        self.allowed = tuple(allowed)
        self.suggestion = nearest(value, self.allowed) if isinstance(value, str) else None
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        what = reason or f"value {quote(value)} is not allowed"
        if isinstance(value, str) and len(value) > QUOTE_MAX:
            value = value[:QUOTE_MAX] + "…"  # never keep more of what a user sent than a message shows
        self.value = value
        allowed_text = ", ".join(self.allowed) if self.allowed else "any short text"
        super().__init__(f"fact {fact!r}: {what}{hint or '.'} Allowed: {allowed_text}, or None for unknown", fact=fact)


class ConsultationError(DiagnoseError):
    """A consultation was asked to do something its state does not allow."""


class StateError(DiagnoseError):
    """A saved consultation state is malformed or from an incompatible knowledge base."""
