"""Loads a knowledge directory in one call: read, parse, validate against the JSON Schemas, cross-check, freeze."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from diagnose.errors import KnowledgeError, Problem
from diagnose.knowledge import shape
from diagnose.knowledge.cache import DEFAULT_PATH, resolve
from diagnose.knowledge.build import Builder, freeze, text
from diagnose.knowledge.locate import Locator
from diagnose.knowledge.checklist import Checklist, Option
from diagnose.knowledge.model import Advice, Cause, Derived, Fact, KnowledgeBase, Replies, Scale, Value

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["DEFAULT_PATH", "load", "parse", "resolve"]


_FILES = {
    "meta.toml": "meta",
    "facts.toml": "facts",
    "derived.toml": "derived",
    "channels.toml": "channels",
    "checks.toml": "checks",
    "fallback.toml": "fallback",
    "replies.toml": "replies",
    "evidence.toml": "evidence",
    "reader.toml": "reader",
}
"""Each file the loader reads, and the schema (diagnose/schemas/knowledge/NAME.json) it must follow."""

INVALID: Any = object()
"""What `read` returns for a file that cannot be used."""


def parse(root: Path, rel: str) -> tuple[Any, str, list[Problem]]:
    """The parsed TOML of `root/rel`, its text, and the problem when it is missing or not TOML."""
    path = root / rel
    if not path.is_file():
        return None, "", [Problem(rel, "", "file is missing")]
    try:
        source = path.read_text(encoding="utf-8")
        return tomllib.loads(source), source, []
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        return None, "", [Problem(rel, "", f"not valid TOML: {exc or 'nested too deeply'}")]


def _tuples(value: Any) -> Any:
    """`value` with every list made a tuple, so nothing loaded can be changed in place."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def load(path: str | os.PathLike[str] | None = None) -> KnowledgeBase:
    """Load, validate and cross-check the knowledge directory at `path` (the shipped one by default).

    Raises:
        KnowledgeError: listing every problem found, each with its file and the place in it.
    """
    root = resolve(path)
    loader = _Loader(root)
    kb = loader.run()
    if loader.problems or kb is None:
        raise KnowledgeError(loader.problems or [Problem(str(root), "", "cannot be loaded")])
    from diagnose.knowledge.lint import structural  # the same checks as `check`, but the examples

    problems = structural(kb)
    if problems:
        raise KnowledgeError(problems)
    return replace(kb, content_hash=_digest(loader.texts))


class _Loader(Builder):
    """One load: reads the files, then builds and cross-checks (Builder)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.texts: dict[str, str] = {}
        self.locators: dict[str, Locator] = {}

    def read(self, rel: str, name: str) -> Any:
        """Parse one TOML file and check it against its schema; INVALID when it cannot be used."""
        data, source, failed = parse(self.root, rel)
        if failed:
            self.problems.extend(failed)
            return INVALID
        self.texts[rel] = source
        self.locators[rel] = Locator(source)
        found = shape.problems(rel, data, name, source)
        self.problems.extend(found)
        return INVALID if found else _tuples(data)

    def run(self) -> KnowledgeBase | None:
        if not self.root.is_dir():
            self.fail(str(self.root), "", "knowledge directory not found")
            return None
        raw = {rel: self.read(rel, name) for rel, name in _FILES.items()}
        cause_files = sorted((self.root / "causes").glob("*.toml"))
        if not cause_files:
            self.fail("causes/", "", "no cause files found")
        causes_raw = [(f"causes/{p.name}", self.read(f"causes/{p.name}", "cause")) for p in cause_files]
        if any(x is INVALID for x in raw.values()):
            return None
        return self.assemble(raw, causes_raw)

    def assemble(self, raw: dict[str, Any], causes_raw: list[tuple[str, Any]]) -> KnowledgeBase:
        """Build the knowledge base from the validated files, cross-checking what they refer to."""
        meta, facts_raw, derived_raw, channels_raw, checks_raw, fallback_raw, replies_raw, evidence_raw, reader_raw = raw.values()

        facts = self.build_facts(facts_raw["fact"])
        for i, f in enumerate(facts_raw["fact"], 1):
            if f["id"] not in facts:
                continue
            place = f"fact[{i}] ({f['id']})"
            ask_if = self.conditions("facts.toml", f"{place}.ask_if", f.get("ask_if", {}), facts)
            skip_if = self.conditions("facts.toml", f"{place}.skip_if", f.get("skip_if", {}), facts)
            facts[f["id"]] = replace(facts[f["id"]], ask_if=ask_if, skip_if=skip_if)
        checklists = self.build_checklists(facts_raw.get("checklist", ()), facts)
        scale = self.build_scale(evidence_raw, facts)
        channels = self.build_channels(channels_raw["channel"])
        derived = self.all_derived(derived_raw["derived"], facts)
        vocabulary: dict[str, Fact | Derived] = {**facts, **derived}
        causes: dict[str, Cause] = {}
        for rel, data in causes_raw:
            if data is INVALID:
                continue
            if data["id"] != Path(rel).stem:
                self.fail(rel, "id", f"{data['id']!r} must match the file name {Path(rel).stem!r}")
            if data["id"] in causes:
                self.fail(rel, "id", f"duplicate cause id {data['id']!r}")
                continue
            causes[data["id"]] = self.build_cause(rel, data, vocabulary, channels, scale)
        self.cross_check_causes(causes, vocabulary)
        self.check_looks(scale, facts, checklists, causes)
        warnings = self.build_checks("warning", checks_raw.get("warning", ()), vocabulary)
        notes = self.build_checks("note", checks_raw.get("note", ()), vocabulary)
        fallback = Advice(
            title=text(fallback_raw["title"]),
            explanation=text(fallback_raw["explanation"]),
            steps=tuple(text(t) for t in fallback_raw["steps"]),
            contacts=self.channel_refs("fallback.toml", "contacts", fallback_raw["contacts"], channels),
        )
        return KnowledgeBase(
            version=meta["version"],
            path=str(self.root),
            facts=freeze(facts),
            derived=freeze(derived),
            causes=freeze(causes),
            warnings=freeze(warnings),
            notes=freeze(notes),
            channels=freeze(channels),
            fallback=fallback,
            replies=Replies(
                **{k: tuple(replies_raw.get(k, ())) for k in ("dont_know", "yes", "no", "negations", "later", "none_of_these")},
                reask=text(replies_raw["reask"]) if "reask" in replies_raw else None,
                yes_values=tuple(replies_raw.get("yes_values", ("yes",))),
                no_values=tuple(replies_raw.get("no_values", ("no", "none"))),
                examples=tuple((e["fact"], e["text"], e["kind"], e.get("value")) for e in replies_raw.get("example", ())),
                subject=tuple((x["text"], x["self"], x["family_member"]) for x in replies_raw.get("subject", ())),
            ),
            scale=scale,
            reader=self.check_reader(reader_raw, facts),
            checklists=freeze(checklists),
        )

    def all_derived(self, raw: tuple[dict[str, Any], ...], facts: dict[str, Fact]) -> dict[str, Derived]:
        """The derived facts of derived.toml, each after the derived facts its rules read."""
        order = self.order_derived(raw, facts)
        # Stubs give every derived fact's values to the conditions; order_derived has already refused cycles.
        stubs = {
            d["id"]: Derived(d["id"], text(d["label"]), tuple(Value(v["id"], text(v)) for v in d["values"]), ())
            for d in order
        }
        index = {id(d): n for n, d in enumerate(raw, 1)}
        return {d["id"]: self.build_derived(d, {**facts, **stubs}, index[id(d)]) for d in order}

    def build_checklists(self, raw: tuple[dict[str, Any], ...], facts: dict[str, Fact]) -> dict[str, Checklist]:
        """The checklists of facts.toml: ids unique among facts and checklists, each option naming an input fact
        with choices (at most one option per fact) and distinct values of it."""
        out: dict[str, Checklist] = {}
        for i, c in enumerate(raw, 1):
            place = f"checklist[{i}] ({c['id']})"
            if c["id"] in facts or c["id"] in out:
                self.fail("facts.toml", place, f"{c['id']!r} is already a fact or checklist id")
                continue
            options: list[Option] = []
            seen: set[str] = set()
            for j, o in enumerate(c["options"], 1):
                where = f"{place}.options[{j}] ({o['id']})"
                fact = facts.get(o["fact"])
                if fact is None or fact.free_text:
                    self.missing("facts.toml", where, f"{o['fact']!r} is not a fact with choices", o["fact"], facts)
                    continue
                if o["id"] in seen or o["fact"] in {x.fact for x in options}:
                    self.fail("facts.toml", where, "each option needs its own id and its own fact")
                    continue
                wrong = [v for v in o["values"] if v not in fact.allowed]
                if wrong or len(set(o["values"])) != len(o["values"]):
                    allowed = ", ".join(fact.allowed)
                    self.fail("facts.toml", where, f"values must be distinct values of {fact.id} (allowed: {allowed})")
                    continue
                short = o.get("short", {})
                for key in short:
                    if key not in o["values"]:
                        self.missing("facts.toml", f"{where}.short.{key}", "not a value of this option", key, o["values"])
                seen.add(o["id"])
                short_texts = {
                    v: text(short[v]) if v in short else fact.value(v).label for v in o["values"] if len(o["values"]) > 1
                }
                options.append(Option(o["id"], text(o), o["fact"], tuple(o["values"]), o["reason"], short_texts))
            out[c["id"]] = Checklist(
                c["id"], text(c["label"]), text(c["question"]), text(c["help"]), tuple(options), c["reason"]
            )
        return out

    def check_looks(
        self, scale: Scale, facts: Mapping[str, Fact], lists: Mapping[str, Checklist], causes: Mapping[str, Cause]
    ) -> None:
        """Every fact or checklist a second look asks, and every cause it sets beside, exists."""
        for i, look in enumerate(scale.second_looks, 1):
            for j, fact_id in enumerate(look.ask, 1):
                if fact_id not in facts and fact_id not in lists:
                    what = f"unknown fact or checklist {fact_id!r}"
                    self.missing("evidence.toml", f"second_look[{i}].ask[{j}]", what, fact_id, [*facts, *lists])
            for j, cause_id in enumerate(look.beside, 1):
                if cause_id not in causes:
                    place = f"second_look[{i}].beside[{j}]"
                    self.missing("evidence.toml", place, f"unknown cause {cause_id!r}", cause_id, causes)

    def check_reader(self, raw: dict[str, Any], facts: dict[str, Fact]) -> dict[str, Any]:
        """reader.toml, with its `words` naming only facts and values that exist."""
        for fact_id, values in raw.get("words", {}).items():
            if fact_id not in facts:
                self.fail("reader.toml", f"words.{fact_id}", f"unknown fact {fact_id!r}")
                continue
            for value in values:
                if value not in facts[fact_id].allowed:
                    self.fail("reader.toml", f"words.{fact_id}.{value}", f"{value!r} is not a value of {fact_id!r}")
        for i, item in enumerate(raw.get("reply_only", ()), 1):
            fact_id, _, value = item.partition(".")
            if fact_id not in facts or value not in facts[fact_id].allowed:
                self.fail("reader.toml", f"reply_only[{i}]", f"{item!r} is not fact.value of a fact value")
        for i, rule in enumerate(raw.get("contrast", ()), 1):
            for fact_id, value in rule["sets"].items():
                if fact_id not in facts or value not in facts[fact_id].allowed:
                    self.fail("reader.toml", f"contrast[{i}].sets.{fact_id}", f"{fact_id}={value!r} is not a fact value")
        named: list[tuple[str, str, str]] = []  # (place, fact, value) each naming a fact value
        past = raw.get("past", {})
        for key, item in past.get("implies", {}).items():
            named += [(f"past.implies.{key}", *key.partition(".")[::2]), (f"past.implies.{key}", *item.partition(".")[::2])]
        named += [(f"past.facts[{i}]", f, facts[f].allowed[0] if f in facts else "") for i, f in enumerate(past.get("facts", ()), 1)]
        for fact_id, order in raw.get("prefer", {}).items():
            named += [(f"prefer.{fact_id}", fact_id, v) for v in order]
        for i, rule in enumerate(raw.get("recast", ()), 1):
            named += [(f"recast[{i}]", rule["fact"], v) for v in (*rule["from"], rule["to"])]
        for place, fact_id, value in named:
            if fact_id not in facts or value not in facts[fact_id].allowed:
                self.fail("reader.toml", place, f"{fact_id}.{value} is not a fact value")
        return raw

def _digest(texts: dict[str, str]) -> str:
    """sha256 over every knowledge file read, by name then text, in name order."""
    h = hashlib.sha256()
    for rel in sorted(texts):
        h.update(f"{rel}\0{texts[rel]}\0".encode())
    return h.hexdigest()

