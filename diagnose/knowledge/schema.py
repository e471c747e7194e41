"""A small declarative schema for the knowledge files: check a parsed TOML value, report every problem by place.

Each validator returns the value it accepted (lists become tuples) or `INVALID`, and records problems in the
`Context` it is given, so one pass reports everything wrong in a file.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from diagnose.errors import Problem, nearest

INVALID: Any = object()
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class Context:
    """Where problems go, and which file is being checked."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def fail(self, place: str, message: str) -> Any:
        """Record a problem at `place` and return INVALID."""
        self.problems.append(Problem(self.file, place, message))
        return INVALID


def _join(place: str, key: str) -> str:
    return f"{place}.{key}" if place else key


def _kind(value: object) -> str:
    return {str: "text", int: "integer", bool: "true/false", list: "list", dict: "table"}.get(
        type(value), type(value).__name__
    )


class Validator:
    """Base class: `check` validates one value found at `place`."""

    def check(self, value: Any, ctx: Context, place: str) -> Any:
        raise NotImplementedError


class Str(Validator):
    """A non-empty string, optionally an identifier (lower_snake_case)."""

    def __init__(self, *, ident: bool = False, empty: bool = False) -> None:
        self.ident, self.empty = ident, empty

    def check(self, value: Any, ctx: Context, place: str) -> Any:
        if not isinstance(value, str):
            return ctx.fail(place, f"expected text, found {_kind(value)}")
        if not value.strip() and not self.empty:
            return ctx.fail(place, "must not be empty")
        if self.ident and not _ID.match(value):
            return ctx.fail(place, f"{value!r} is not a lower_snake_case id")
        return value


class Int(Validator):
    """An integer between `lo` and `hi` inclusive."""

    def __init__(self, lo: int, hi: int) -> None:
        self.lo, self.hi = lo, hi

    def check(self, value: Any, ctx: Context, place: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return ctx.fail(place, f"expected an integer, found {_kind(value)}")
        if not self.lo <= value <= self.hi:
            return ctx.fail(place, f"{value} is outside {self.lo}..{self.hi}")
        return value


class Num(Validator):
    """A number (integer or float) between `lo` and `hi` inclusive; returned as a float."""

    def __init__(self, lo: float, hi: float) -> None:
        self.lo, self.hi = lo, hi

    def check(self, value: Any, ctx: Context, place: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return ctx.fail(place, f"expected a number, found {_kind(value)}")
        if not self.lo <= value <= self.hi:
            return ctx.fail(place, f"{value} is outside {self.lo}..{self.hi}")
        return float(value)


class Bool(Validator):
    """true or false."""

    def check(self, value: Any, ctx: Context, place: str) -> Any:
        if not isinstance(value, bool):
            return ctx.fail(place, f"expected true or false, found {_kind(value)}")
        return value


class OneOf(Validator):
    """One string out of a fixed set."""

    def __init__(self, *choices: str) -> None:
        self.choices = choices

    def check(self, value: Any, ctx: Context, place: str) -> Any:
        if value not in self.choices:
            hint = nearest(value, self.choices) if isinstance(value, str) else None
            extra = f"; did you mean {hint!r}?" if hint else ""
            return ctx.fail(place, f"{value!r} is not one of {', '.join(self.choices)}{extra}")
        return value


class ListOf(Validator):
    """A list whose items all pass `item`; returned as a tuple."""

    def __init__(self, item: Validator, *, min_len: int = 0) -> None:
        self.item, self.min_len = item, min_len

    def check(self, value: Any, ctx: Context, place: str) -> Any:
        if not isinstance(value, list):
            return ctx.fail(place, f"expected a list, found {_kind(value)}")
        if len(value) < self.min_len:
            return ctx.fail(place, f"needs at least {self.min_len} item{'s' * (self.min_len > 1)}")
        items = tuple(self.item.check(v, ctx, f"{place}[{i}]") for i, v in enumerate(value, 1))
        return INVALID if any(v is INVALID for v in items) else items


# A group that holds a quantifier and is itself repeated: (a+)+, (\w*x)*, (a|b+){2,}. Such patterns can take
# exponential time on a failing match (catastrophic backtracking), so the knowledge base may not use them.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\d*\})")
_SLOW_MATCH = 0.05
"""Seconds a pattern may take on a pathological input before it is refused."""


class Regex(Validator):
    """A regular expression that compiles, has no nested quantifier and stays fast on a pathological input."""

    def check(self, value: Any, ctx: Context, place: str) -> Any:
        if Str().check(value, ctx, place) is INVALID:
            return INVALID
        try:
            pattern = re.compile(value)
        except (re.error, OverflowError, RecursionError) as exc:  # huge repeats and deep nesting too
            return ctx.fail(place, f"not a valid regular expression: {exc or type(exc).__name__}")
        if _NESTED_QUANTIFIER.search(value):
            return ctx.fail(place, "a repeated group holds a quantifier (like (a+)+): it can take exponential time")
        for probe in ("a" * 24 + "!", "个人账户" * 8 + "!", " " * 24 + "!"):
            start = time.perf_counter()
            pattern.search(probe)
            if time.perf_counter() - start > _SLOW_MATCH:
                return ctx.fail(place, f"too slow on a {len(probe)}-character input: simplify it")
        return value


class StrOrList(Validator):
    """One string or a non-empty list of strings; returned as a tuple of strings."""

    def check(self, value: Any, ctx: Context, place: str) -> Any:
        if isinstance(value, str):
            return (value,) if value else ctx.fail(place, "must not be empty")
        items = ListOf(Str(), min_len=1).check(value, ctx, place)
        return items


class MapOf(Validator):
    """A table with free keys whose values all pass `value`."""

    def __init__(self, value: Validator, *, min_len: int = 0) -> None:
        self.value, self.min_len = value, min_len

    def check(self, value: Any, ctx: Context, place: str) -> Any:
        if not isinstance(value, Mapping):
            return ctx.fail(place, f"expected a table, found {_kind(value)}")
        if len(value) < self.min_len:
            return ctx.fail(place, f"needs at least {self.min_len} entr{'ies' if self.min_len > 1 else 'y'}")
        out = {k: self.value.check(v, ctx, _join(place, k)) for k, v in value.items()}
        return INVALID if any(v is INVALID for v in out.values()) else out


class Table(Validator):
    """A table with known keys: required ones must be present, unknown ones are errors."""

    def __init__(self, required: Mapping[str, Validator], optional: Mapping[str, Validator] | None = None) -> None:
        self.required, self.optional = dict(required), dict(optional or {})

    def check(self, value: Any, ctx: Context, place: str) -> Any:
        if not isinstance(value, Mapping):
            return ctx.fail(place, f"expected a table, found {_kind(value)}")
        known = {**self.required, **self.optional}
        out: dict[str, Any] = {}
        ok = True
        for key in self.required:
            if key not in value:
                ok = False
                ctx.fail(_join(place, key), "is required but missing")
        for key, item in value.items():
            if key not in known:
                ok = False
                hint = nearest(key, known)
                ctx.fail(_join(place, key), "unknown key" + (f"; did you mean {hint!r}?" if hint else ""))
                continue
            out[key] = known[key].check(item, ctx, _join(place, key))
            ok = ok and out[key] is not INVALID
        return out if ok else INVALID


# The knowledge files' schema: one place that says what every file may hold.
TEXT = Table({"zh": Str(), "en": Str()})
TEXTS = ListOf(TEXT, min_len=1)
ID = Str(ident=True)
IDS = ListOf(ID)
CONDITIONS = MapOf(StrOrList(), min_len=1)
VALUE = Table({"id": ID, "zh": Str(), "en": Str()})

META = Table({"version": Str()})
FACTS = Table(
    {
        "fact": ListOf(
            Table(
                {"id": ID, "label": TEXT, "question": TEXT, "help": TEXT},
                {
                    "values": ListOf(VALUE, min_len=2),
                    "free_text": Bool(),
                    "synonyms": MapOf(ListOf(Str())),
                    "patterns": MapOf(ListOf(Regex())),
                    "terms": MapOf(ListOf(Str())),
                    "ask_if": CONDITIONS,
                    "skip_if": CONDITIONS,
                    "dont_know": Num(0, 0.99),
                    "early": Bool(),
                    "typical": Table({"value": ID, "share": Num(0.01, 0.99)}),
                },
            ),
            min_len=1,
        )
    }
)
REPLIES = Table(
    {
        "dont_know": ListOf(Str(), min_len=1),
        "yes": ListOf(Str(), min_len=1),
        "no": ListOf(Str(), min_len=1),
        "negations": ListOf(Str()),
    },
    {
        "later": ListOf(Str()),
        "reask": TEXT,
        "yes_values": ListOf(ID),
        "subject": ListOf(Table({"text": Str(), "self": Str(), "family_member": Str()})),
        "no_values": ListOf(ID),
        "example": ListOf(
            Table(
                {"fact": ID, "text": Str(empty=True), "kind": OneOf("answer", "dont_know", "later", "choose")},
                {"value": ID},
            )
        ),
    },
)
READER = Table(
    {
        "threshold": Num(0.0, 1.0),
        "confidence": Table({k: Num(0.0, 1.0) for k in ("direct", "carried", "unnamed", "resolved", "comparison")}),
        "clause_breaks": ListOf(Regex()),
        "topic_reach": Int(0, 20),
        "self": ListOf(Str(), min_len=1),
        "other": ListOf(Str(), min_len=1),
        "pronouns": ListOf(Str()),
        "account": ListOf(Str(), min_len=1),
        "zero": ListOf(Regex(), min_len=1),
        "money": ListOf(Regex()),
    },
    {
        "words": MapOf(MapOf(ListOf(Regex()))),
        "reply_only": ListOf(Str()),
        "elsewhere": ListOf(Str()),
        "mask": ListOf(Table({"pattern": Regex(), "reason": Str()})),
        "contrast": ListOf(
            Table({"before": Regex(), "after": Regex(), "sets": MapOf(Str(ident=True), min_len=1)}, {"wins": Bool()})
        ),
        "object_marks": ListOf(Str()),
        "not_negations": ListOf(Str()),
        "other_actions": ListOf(Str()),
        "shared": ListOf(Str(ident=True)),
        "seen_only": ListOf(Str(ident=True)),
        "object_facts": ListOf(Str(ident=True)),
        "behalf_marks": ListOf(Str()),
        "behalf_verbs": ListOf(Regex()),
        "unless": ListOf(Table({"when": Regex(), "fact": Str(ident=True)})),
        "reports": ListOf(Str(ident=True)),
        "guess": ListOf(Regex()),
        "also_zero": ListOf(Regex()),
        "past": Table({"markers": ListOf(Regex(), min_len=1), "facts": ListOf(Str(ident=True)), "implies": MapOf(Str())}),
        "prefer": MapOf(ListOf(Str(ident=True), min_len=2)),
        "recast": ListOf(
            Table({"when": Regex(), "fact": Str(ident=True), "from": ListOf(Str(ident=True), min_len=1), "to": Str(ident=True)})
        ),
    },
)
DERIVED = Table(
    {
        "derived": ListOf(
            Table(
                {
                    "id": ID,
                    "label": TEXT,
                    "values": ListOf(VALUE, min_len=2),
                    "rule": ListOf(Table({"value": ID, "when": CONDITIONS, "explain": TEXT}), min_len=1),
                }
            )
        )
    }
)
CHANNELS = Table({"channel": ListOf(Table({"id": ID, "name": TEXT, "detail": TEXT}), min_len=1)})
_CHECK_RULES = ListOf(Table({"when": CONDITIONS}), min_len=1)
_CHECK_EXAMPLES = ListOf(Table({"name": ID, "facts": MapOf(Str(), min_len=1)}), min_len=1)
CHECKS = Table(
    {},
    {
        "warning": ListOf(
            Table({"id": ID, "text": TEXT, "recheck": IDS, "rule": _CHECK_RULES, "example": _CHECK_EXAMPLES})
        ),
        "note": ListOf(
            Table(
                {
                    "id": ID,
                    "text": TEXT,
                    "sources": ListOf(Str(), min_len=1),
                    "rule": _CHECK_RULES,
                    "example": _CHECK_EXAMPLES,
                }
            )
        ),
    },
)
FALLBACK = Table({"title": TEXT, "explanation": TEXT, "steps": TEXTS, "contacts": ListOf(ID, min_len=1)})
CAUSE = Table(
    {
        "id": ID,
        "group": OneOf("A", "B", "C", "D", "E"),
        "confidence": OneOf("solid", "regional"),
        "prior": ID,
        "prior_reason": Str(),
        "title": TEXT,
        "explanation": TEXT,
        "verify": TEXTS,
        "steps": TEXTS,
        "contacts": ListOf(ID, min_len=1),
        "sources": ListOf(Str(), min_len=1),
        "signal": ListOf(Table({"when": CONDITIONS, "weight": ID, "reason": Str()}), min_len=1),
        "example": ListOf(
            Table(
                {"name": ID, "facts": MapOf(Str()), "expect": IDS},
                {"story": Str(), "absent": IDS, "top": ID, "says": ListOf(Str()), "never_says": ListOf(Str())},
            ),
            min_len=2,
        ),
    },
    {
        "unless": ListOf(Table({"when": CONDITIONS, "reason": Str()})),
        "regional_note": TEXT,
        "citizen_sources": ListOf(TEXT),
    },
)
EVIDENCE = Table(
    {
        "prior": MapOf(Table({"p": Num(0.0001, 0.9999), "reason": Str()}), min_len=1),
        "weight": MapOf(Table({"w": Num(-20, 20), "reason": Str()}), min_len=1),
        "level": ListOf(Table({"id": ID, "min": Num(0, 1), "label": TEXT, "meaning": Str()}), min_len=1),
        "listing": Table(
            {"main": Int(1, 10), "also": Int(0, 10), "main_min_level": ID, "list_min_level": ID, "reason": Str()},
        ),
        "consultation": Table(
            {
                "min_value": Num(0, 10),
                "max_questions": Int(1, 50),
                "own_fact_dont_know": MapOf(Num(0.001, 1), min_len=1),
                "planning_prior_weight": Num(0, 1),
                "settle_level": ID,
                "settle_change": Num(0, 1),
                "reason": Str(),
            }
        ),
    },
    {"second_look": ListOf(Table({"when": CONDITIONS, "ask": ListOf(ID, min_len=1), "reason": Str()}))},
)
