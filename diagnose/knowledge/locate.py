"""Finds the line of a key path in a TOML file's text: tomllib gives no positions.

A path is what a parsed value is reached by, e.g. ("signal", 2, "weight") for `weight =` under the third
`[[signal]]`. Table headers and `key =` lines are indexed; anything deeper (an inline table, an item of an
array) is reported at the line of the nearest indexed path above it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["Locator", "parse_place"]

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
_SEGMENT = re.compile(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""")
_PLACE = re.compile(r"^([^\[]*)((?:\[\d+\])*)$")


def _keys(dotted: str) -> list[str]:
    return [s.strip("\"'") for s in _SEGMENT.findall(dotted)]


class Locator:
    """The lines (1-based) of the tables and keys of one TOML text."""

    def __init__(self, source: str) -> None:
        self.lines: dict[Path, int] = {}
        self._counts: dict[Path, int] = {}  # array of tables -> how many seen so far
        table: Path = ()
        in_string = False
        for n, line in enumerate(source.splitlines(), 1):
            inside = in_string
            if line.count('"""') % 2 or line.count("'''") % 2:
                in_string = not in_string
            if inside:  # a line of a multi-line string
                continue
            header = _HEADER.match(line)
            if header is not None and not _KEY.match(line):
                table = self._header(_keys(header[2]), array=header[1] == "[[")
                self.lines.setdefault(table, n)
                continue
            key = _KEY.match(line)
            if key is not None:
                self.lines.setdefault(table + tuple(_keys(key[1])), n)

    def _header(self, keys: list[str], *, array: bool) -> Path:
        """The concrete path of a header: each array of tables on the way means its last table."""
        path: Path = ()
        for i, key in enumerate(keys):
            path += (key,)
            if array and i == len(keys) - 1:
                index = self._counts.get(path, 0)
                self._counts[path] = index + 1
                path += (index,)
            elif path in self._counts:
                path += (self._counts[path] - 1,)
        return path

    def line(self, path: Sequence[str | int]) -> int | None:
        """The line of `path`, or of the nearest enclosing path written in the file; None when there is none."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def parse_place(place: str) -> Path:
    """The key path of a place as problems name it: "fact[3] (id).ask_if.x" -> ("fact", 2, "ask_if", "x")."""
    place = re.sub(r" \([^)]*\)", "", place)
    path: list[str | int] = []
    for part in place.split(".") if place else ():
        match = _PLACE.match(part)
        if match is None:
            break
        if match[1]:
            path.append(match[1])
        path += [int(i) - 1 for i in re.findall(r"\d+", match[2])]
    return tuple(path)
