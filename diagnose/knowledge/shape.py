"""Checks a parsed knowledge file against its JSON Schema (diagnose/schemas/knowledge/*.json) and reports every
problem as a Problem with its place and line.

Imported only when TOML is parsed (a cache miss, or `python -m diagnose check`): jsonschema takes ~100 ms to
import, and a load from the cache never needs it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from diagnose.errors import Problem, nearest, quote
from diagnose.knowledge.locate import Locator

__all__ = ["EXTRA_FILES", "SCHEMAS", "check_extras", "problems", "schema", "validator"]

SCHEMAS = (
    "meta", "facts", "derived", "channels", "checks", "fallback", "replies", "evidence", "reader", "cause",
    "contract", "messages", "stories",
)  # fmt: skip
"""The knowledge schemas, each in diagnose/schemas/knowledge/NAME.json."""

EXTRA_FILES = {
    "contract.toml": "contract",
    "messages.toml": "messages",
    "messages_blind.toml": "messages",
    "messages_holdout.toml": "messages",
    "stories.toml": "stories",
    "stories_blind.toml": "stories",
    "stories_fresh.toml": "stories",
}
"""Data files the loader does not read (the tests and benchmarks do); `check` validates them when present."""

_ID = "^[a-z][a-z0-9_]*$"
_KINDS = {"string": "text", "integer": "an integer", "number": "a number", "boolean": "true or false",
          "array": "a list", "object": "a table"}  # fmt: skip

# A group that holds a quantifier and is itself repeated: (a+)+, (\w*x)*, (a|b+){2,}. Such patterns can take
# exponential time on a failing match (catastrophic backtracking), so the knowledge base may not use them.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\d*\})")
_SLOW_MATCH = 0.05
"""Seconds a pattern may take on a pathological input before it is refused."""

_FORMATS = FormatChecker(formats=())


def _safe_regex(value: object) -> bool:
    """A Python regular expression that compiles, has no nested quantifier and stays fast on a pathological input."""
    if not isinstance(value, str):
        return True
    try:
        pattern = re.compile(value)
    except (re.error, OverflowError, RecursionError) as exc:  # huge repeats and deep nesting too
        raise ValueError(f"not a valid regular expression: {exc or type(exc).__name__}") from None
    if _NESTED_QUANTIFIER.search(value):
        raise ValueError("a repeated group holds a quantifier (like (a+)+): it can take exponential time")
    for probe in ("a" * 24 + "!", "个人账户" * 8 + "!", " " * 24 + "!"):
        start = time.perf_counter()
        pattern.search(probe)
        if time.perf_counter() - start > _SLOW_MATCH:
            raise ValueError(f"too slow on a {len(probe)}-character input: simplify it")
    return True


_FORMATS.checks("python-regex", raises=ValueError)(_safe_regex)


@cache
def schema(name: str) -> dict[str, Any]:
    """The knowledge schema called `name` (one of SCHEMAS), as parsed JSON."""
    text = resources.files("diagnose.schemas").joinpath("knowledge", f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for the schema `name`, checking the python-regex format.

    Its local `$ref`s are inlined first: resolving them on every value took a third of the validation time.
    """
    data = schema(name)
    defs = data.get("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/") and len(node) == 1:
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {k: inline(v) for k, v in node.items() if k != "$defs"}
        return [inline(v) for v in node] if isinstance(node, list) else node

    return Draft202012Validator(inline(data), format_checker=_FORMATS)


def problems(file: str, data: Any, name: str, source: str = "") -> list[Problem]:
    """Every way `data` (parsed from `file`, whose text is `source`) breaks the schema `name`, in file order."""
    found = [explained for error in validator(name).iter_errors(data) for explained in _explain(error)]
    if not found:
        return []
    locator = Locator(source)
    out = [Problem(file, place, message, line=locator.line(path)) for path, place, message in found]
    return sorted(out, key=lambda p: (p.line or 0, p.place))


def check_extras(root: Path) -> list[Problem]:
    """Check the files of EXTRA_FILES that `root` holds against their schemas (the loader does not read them)."""
    from diagnose.knowledge.loader import parse

    out: list[Problem] = []
    for rel, name in EXTRA_FILES.items():
        if (root / rel).is_file():
            data, source, failed = parse(root, rel)
            out += failed or problems(rel, data, name, source)
    return out


def _place(path: Sequence[str | int]) -> str:
    """("signal", 2, "weight") -> "signal[3].weight": indexes from 1, as authors count tables."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _explain(error: ValidationError) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """(path, place, message) for one schema error: an unknown or missing key is placed at the key itself."""
    path = tuple(error.absolute_path)
    rule, value, sub = error.validator, error.instance, error.schema
    if rule == "additionalProperties":
        known = sorted(sub.get("properties", {}))
        for key in (k for k in value if k not in known):
            hint = nearest(key, known)
            said = "unknown key" + (f"; did you mean {hint!r}?" if hint else ".")
            yield (*path, key), _place((*path, key)), f"{said} Allowed: {', '.join(known) or 'none'}"
        return
    if rule == "required":
        for key in (k for k in error.validator_value if k not in value):
            yield path, _place((*path, key)), "is required but missing"
        return
    yield path, _place(path), _message(error)


def _message(error: ValidationError) -> str:
    """A schema error in the package's words."""
    rule, value, sub = error.validator, error.instance, error.schema
    if rule == "type":
        wanted = sub["type"] if isinstance(sub["type"], list) else [sub["type"]]
        return f"expected {' or '.join(_KINDS[t] for t in wanted)}, found {_kind(value)}"
    if rule == "pattern" and sub["pattern"] == _ID:
        return f"{quote(value)} is not a lower_snake_case id"
    if rule == "pattern":
        return "must not be empty"
    if rule in ("minimum", "maximum"):
        return f"{value} is outside {sub.get('minimum', '…')}..{sub.get('maximum', '…')}"
    if rule == "enum":
        allowed = [str(x) for x in sub["enum"]]
        hint = nearest(value, allowed) if isinstance(value, str) else None
        return f"value {quote(value)} is not allowed{f'; did you mean {hint!r}?' if hint else '.'} Allowed: {', '.join(allowed)}"
    if rule == "minItems":
        n = sub["minItems"]
        return f"needs at least {n} item{'s' * (n > 1)}"
    if rule == "minProperties":
        n = sub["minProperties"]
        return f"needs at least {n} entr{'ies' if n > 1 else 'y'}"
    if rule == "format" and error.cause is not None:
        return str(error.cause)
    return str(error.message)


def _kind(value: object) -> str:
    names = {str: "text", int: "an integer", float: "a number", bool: "true/false", list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)
