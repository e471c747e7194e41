"""Loads a knowledge directory in one call: read, parse, validate against the schema, cross-check, freeze."""

from __future__ import annotations

import graphlib
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from diagnose.knowledge import schema
from diagnose.errors import KnowledgeError, Problem, nearest
from diagnose.knowledge.model import (
    Advice,
    Cause,
    Channel,
    Check,
    Condition,
    Replies,
    Derived,
    Example,
    Fact,
    KnowledgeBase,
    Level,
    Rule,
    Scale,
    SecondLook,
    Text,
    Value,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["DEFAULT_PATH", "load"]

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "knowledge"  # knowledge/ in a source checkout

_FILES = {
    "meta.toml": schema.META,
    "facts.toml": schema.FACTS,
    "derived.toml": schema.DERIVED,
    "channels.toml": schema.CHANNELS,
    "checks.toml": schema.CHECKS,
    "fallback.toml": schema.FALLBACK,
    "replies.toml": schema.REPLIES,
    "evidence.toml": schema.EVIDENCE,
}


def load(path: str | os.PathLike[str] | None = None) -> KnowledgeBase:
    """Load, validate and cross-check the knowledge directory at `path` (the shipped one by default).

    Raises:
        KnowledgeError: listing every problem found, each with its file and the place in it.
    """
    root = Path(path) if path is not None else _default_path()
    loader = _Loader(root)
    kb = loader.run()
    if loader.problems or kb is None:
        raise KnowledgeError(loader.problems or [Problem(str(root), "", "cannot be loaded")])
    return kb


def _default_path() -> Path:
    # Installed as a wheel, the knowledge base travels inside the package (see pyproject.toml).
    packaged = Path(__file__).resolve().parents[1] / "_data"
    return packaged if packaged.is_dir() else DEFAULT_PATH


def _text(raw: Mapping[str, str]) -> Text:
    return Text(zh=raw["zh"].strip(), en=raw["en"].strip())


def _freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


class _Loader:
    """One load: collects problems instead of stopping at the first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def fail(self, file: str, place: str, message: str) -> None:
        self.problems.append(Problem(file, place, message))

    def missing(self, file: str, place: str, message: str, name: str, known: Iterable[str]) -> None:
        """Report a reference to something undefined, with the nearest defined name when there is one."""
        hint = nearest(name, known)
        self.fail(file, place, message + (f"; did you mean {hint!r}?" if hint else ""))

    def read(self, rel: str, shape: schema.Validator) -> Any:
        """Parse one TOML file and check it against its schema; INVALID when it cannot be used."""
        path = self.root / rel
        if not path.is_file():
            self.fail(rel, "", "file is missing")
            return schema.INVALID
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
            self.fail(rel, "", f"not valid TOML: {exc or 'nested too deeply'}")
            return schema.INVALID
        ctx = schema.Context(rel)
        data = shape.check(raw, ctx, "")
        self.problems.extend(ctx.problems)
        return data

    def run(self) -> KnowledgeBase | None:
        if not self.root.is_dir():
            self.fail(str(self.root), "", "knowledge directory not found")
            return None
        raw = {name: self.read(name, shape) for name, shape in _FILES.items()}
        meta, facts_raw, derived_raw, channels_raw, checks_raw, fallback_raw, replies_raw, evidence_raw = raw.values()
        cause_files = sorted((self.root / "causes").glob("*.toml"))
        if not cause_files:
            self.fail("causes/", "", "no cause files found")
        causes_raw = [(f"causes/{p.name}", self.read(f"causes/{p.name}", schema.CAUSE)) for p in cause_files]
        if any(x is schema.INVALID for x in raw.values()):
            return None

        facts = self.build_facts(facts_raw["fact"])
        for i, f in enumerate(facts_raw["fact"], 1):
            if f["id"] not in facts:
                continue
            place = f"fact[{i}] ({f['id']})"
            ask_if = self.conditions("facts.toml", f"{place}.ask_if", f.get("ask_if", {}), facts)
            skip_if = self.conditions("facts.toml", f"{place}.skip_if", f.get("skip_if", {}), facts)
            facts[f["id"]] = replace(facts[f["id"]], ask_if=ask_if, skip_if=skip_if)
        scale = self.build_scale(evidence_raw, facts)
        channels = self.build_channels(channels_raw["channel"])
        derived_order = self.order_derived(derived_raw["derived"], facts)
        # Stubs give every derived fact's values to the conditions; order_derived has already refused cycles.
        stubs = {
            d["id"]: Derived(d["id"], _text(d["label"]), tuple(Value(v["id"], _text(v)) for v in d["values"]), ())
            for d in derived_order
        }
        derived = {d["id"]: self.build_derived(d, {**facts, **stubs}) for d in derived_order}
        vocabulary: dict[str, Fact | Derived] = {**facts, **derived}
        causes: dict[str, Cause] = {}
        for rel, data in causes_raw:
            if data is schema.INVALID:
                continue
            if data["id"] != Path(rel).stem:
                self.fail(rel, "id", f"{data['id']!r} must match the file name {Path(rel).stem!r}")
            if data["id"] in causes:
                self.fail(rel, "id", f"duplicate cause id {data['id']!r}")
                continue
            causes[data["id"]] = self.build_cause(rel, data, vocabulary, channels, scale)
        self.cross_check_causes(causes, vocabulary)
        warnings = self.build_checks("warning", checks_raw.get("warning", ()), vocabulary)
        notes = self.build_checks("note", checks_raw.get("note", ()), vocabulary)
        fallback = Advice(
            title=_text(fallback_raw["title"]),
            explanation=_text(fallback_raw["explanation"]),
            steps=tuple(_text(t) for t in fallback_raw["steps"]),
            contacts=self.channel_refs("fallback.toml", "contacts", fallback_raw["contacts"], channels),
        )
        return KnowledgeBase(
            version=meta["version"],
            path=str(self.root),
            facts=_freeze(facts),
            derived=_freeze(derived),
            causes=_freeze(causes),
            warnings=_freeze(warnings),
            notes=_freeze(notes),
            channels=_freeze(channels),
            fallback=fallback,
            replies=Replies(
                **{k: tuple(replies_raw.get(k, ())) for k in ("dont_know", "yes", "no", "negations", "later")},
                reask=_text(replies_raw["reask"]) if "reask" in replies_raw else None,
            ),
            scale=scale,
        )

    def build_scale(self, raw: Mapping[str, Any], facts: Mapping[str, Fact]) -> Scale:
        levels = sorted(
            (Level(lv["id"], lv["min"], _text(lv["label"]), lv["meaning"]) for lv in raw["level"]),
            key=lambda lv: -lv.min,
        )
        if levels[-1].min != 0:
            self.fail("evidence.toml", "level", "the lowest level must have min = 0, so every cause has a level")
        ids = [lv.id for lv in levels]
        listing = raw["listing"]
        for key in ("main_min_level", "list_min_level"):
            if listing[key] not in ids:
                self.missing("evidence.toml", f"listing.{key}", "not a level", listing[key], ids)
        return Scale(
            priors=_freeze({k: v["p"] for k, v in raw["prior"].items()}),
            weights=_freeze({k: v["w"] for k, v in raw["weight"].items()}),
            levels=tuple(levels),
            main=listing["main"],
            also=listing["also"],
            main_min=next((lv.min for lv in levels if lv.id == listing["main_min_level"]), 0.0),
            list_min=next((lv.min for lv in levels if lv.id == listing["list_min_level"]), 0.0),
            min_value=raw["consultation"]["min_value"],
            max_questions=raw["consultation"]["max_questions"],
            second_looks=tuple(self.build_second_look(i, x, facts) for i, x in enumerate(raw.get("second_look", ()), 1)),
        )

    def build_second_look(self, i: int, raw: Mapping[str, Any], facts: Mapping[str, Fact]) -> SecondLook:
        place = f"second_look[{i}]"
        for j, fact_id in enumerate(raw["ask"], 1):
            if fact_id not in facts:
                self.missing("evidence.toml", f"{place}.ask[{j}]", f"unknown fact {fact_id!r}", fact_id, facts)
        when = self.conditions("evidence.toml", f"{place}.when", raw["when"], facts)
        return SecondLook(when, tuple(raw["ask"]), raw["reason"])

    # -- facts, channels, derived facts ------------------------------------------------------------------

    def build_facts(self, raw: Iterable[Mapping[str, Any]]) -> dict[str, Fact]:
        facts: dict[str, Fact] = {}
        for i, f in enumerate(raw, 1):
            place = f"fact[{i}] ({f['id']})"
            if f["id"] in facts:
                self.fail("facts.toml", place, "duplicate fact id")
                continue
            free = f.get("free_text", False)
            raw_values = f.get("values", ())
            if free == bool(raw_values):
                self.fail("facts.toml", place, "give either `values` or `free_text = true`, not both or neither")
            synonyms = f.get("synonyms", {})
            patterns = f.get("patterns", {})
            terms = f.get("terms", {})
            ids = [v["id"] for v in raw_values]
            if len(set(ids)) != len(ids):
                self.fail("facts.toml", f"{place}.values", "duplicate value id")
            for section, table in (("synonyms", synonyms), ("patterns", patterns), ("terms", terms)):
                for key in table:
                    if key not in ids:
                        self.missing("facts.toml", f"{place}.{section}.{key}", "not a value of this fact", key, ids)
            values = tuple(
                Value(
                    v["id"],
                    _text(v),
                    tuple(synonyms.get(v["id"], ())),
                    tuple(patterns.get(v["id"], ())),
                    tuple(terms.get(v["id"], ())),
                )
                for v in raw_values
            )
            facts[f["id"]] = Fact(
                id=f["id"],
                label=_text(f["label"]),
                question=_text(f["question"]),
                help=_text(f["help"]),
                values=values,
                free_text=free,
                dont_know=f.get("dont_know", 0.3),
                early=f.get("early", False),
                typical=(f["typical"]["value"], f["typical"]["share"]) if "typical" in f else None,
            )
            if "typical" in f and f["typical"]["value"] not in ids:
                self.missing("facts.toml", f"{place}.typical.value", "not a value of this fact", f["typical"]["value"], ids)
        return facts

    def build_channels(self, raw: Iterable[Mapping[str, Any]]) -> dict[str, Channel]:
        channels: dict[str, Channel] = {}
        for i, c in enumerate(raw, 1):
            if c["id"] in channels:
                self.fail("channels.toml", f"channel[{i}]", f"duplicate channel id {c['id']!r}")
            channels[c["id"]] = Channel(c["id"], _text(c["name"]), _text(c["detail"]))
        return channels

    def order_derived(
        self, raw: Iterable[Mapping[str, Any]], facts: Mapping[str, Fact]
    ) -> list[Mapping[str, Any]]:
        """Order derived facts so each comes after the derived facts its rules read; report cycles."""
        by_id: dict[str, Mapping[str, Any]] = {}
        for i, d in enumerate(raw, 1):
            if d["id"] in by_id or d["id"] in facts:
                self.fail("derived.toml", f"derived[{i}]", f"duplicate fact id {d['id']!r}")
                continue
            by_id[d["id"]] = d
        deps = {k: {f for r in d["rule"] for f in r["when"] if f in by_id} for k, d in by_id.items()}
        sorter = graphlib.TopologicalSorter(deps)
        try:
            sorter.prepare()
        except graphlib.CycleError as exc:
            cycle = " -> ".join(exc.args[1])
            self.fail("derived.toml", f"derived ({exc.args[1][0]})", f"its rules depend on themselves (a cycle: {cycle})")
            return list(by_id.values())
        position = {k: i for i, k in enumerate(by_id)}
        ordered: list[str] = []
        while sorter.is_active():  # each round, the facts whose inputs are all ordered, in file order
            ready = sorted(sorter.get_ready(), key=position.__getitem__)
            ordered.extend(ready)
            sorter.done(*ready)
        return [by_id[k] for k in ordered]

    def build_derived(self, raw: Mapping[str, Any], vocabulary: Mapping[str, Fact | Derived]) -> Derived:
        values = vocabulary[raw["id"]].values
        rules = []
        for i, r in enumerate(raw["rule"], 1):
            place = f"derived ({raw['id']}).rule[{i}]"
            if r["value"] not in {v.id for v in values}:
                self.fail("derived.toml", f"{place}.value", f"{r['value']!r} is not one of its values")
            rules.append(
                Rule(
                    id=f"{raw['id']}#{i}",
                    owner=raw["id"],
                    kind="derived",
                    when=self.conditions("derived.toml", f"{place}.when", r["when"], vocabulary),
                    value=r["value"],
                    explain=_text(r["explain"]),
                )
            )
        return Derived(raw["id"], _text(raw["label"]), values, tuple(rules))

    # -- conditions and references ------------------------------------------------------------------------

    def conditions(
        self, file: str, place: str, raw: Mapping[str, tuple[str, ...]], vocabulary: Mapping[str, Fact | Derived]
    ) -> tuple[Condition, ...]:
        out = []
        for fact_id, allowed in raw.items():
            fact = vocabulary.get(fact_id)
            if fact is None:
                self.missing(file, f"{place}.{fact_id}", "unknown fact", fact_id, vocabulary)
                continue
            if isinstance(fact, Fact) and fact.free_text:
                self.fail(file, f"{place}.{fact_id}", "free-text facts cannot be used in conditions")
                continue
            for value in allowed:
                if value not in fact.allowed:
                    what = f"{value!r} is not a value of {fact_id} (allowed: {', '.join(fact.allowed)})"
                    self.missing(file, f"{place}.{fact_id}", what, value, fact.allowed)
            out.append(Condition(fact_id, frozenset(allowed)))
        return tuple(out)

    def channel_refs(
        self, file: str, place: str, ids: Iterable[str], channels: Mapping[str, Channel]
    ) -> tuple[Channel, ...]:
        out = []
        for i, cid in enumerate(ids, 1):
            if cid not in channels:
                self.missing(file, f"{place}[{i}]", f"unknown channel {cid!r}", cid, channels)
            else:
                out.append(channels[cid])
        return tuple(out)

    # -- causes and checks ---------------------------------------------------------------------------------

    def build_cause(
        self,
        rel: str,
        raw: Mapping[str, Any],
        vocabulary: Mapping[str, Fact | Derived],
        channels: Mapping[str, Channel],
        scale: Scale,
    ) -> Cause:
        cid = raw["id"]
        signals = []
        for i, r in enumerate(raw["signal"], 1):
            weight = scale.weights.get(r["weight"])
            if weight is None:
                self.missing(rel, f"signal[{i}].weight", f"unknown weight {r['weight']!r}", r["weight"], scale.weights)
            when = self.conditions(rel, f"signal[{i}].when", r["when"], vocabulary)
            signals.append(
                Rule(f"{cid}#s{i}", cid, "signal", when, weight=weight or 0.0, strength=r["weight"], reason=r["reason"])
            )
        if not any(r.weight > 0 for r in signals):
            self.fail(rel, "signal", "a cause needs at least one signal with a positive weight")
        defeaters = tuple(
            Rule(
                f"{cid}#u{i}",
                cid,
                "unless",
                self.conditions(rel, f"unless[{i}].when", r["when"], vocabulary),
                reason=r["reason"],
            )
            for i, r in enumerate(raw.get("unless", ()), 1)
        )
        prior = scale.priors.get(raw["prior"])
        if prior is None:
            self.missing(rel, "prior", f"unknown prior {raw['prior']!r}", raw["prior"], scale.priors)
        if raw["confidence"] == "regional" and "regional_note" not in raw:
            self.fail(rel, "regional_note", "a regional cause must say that it depends on 参保地")
        examples = tuple(
            Example(
                name=e["name"],
                cause=cid,
                facts=_freeze(e["facts"]),
                top=e.get("top"),
                expect=tuple(e["expect"]),
                absent=tuple(e.get("absent", ())),
                story=e.get("story"),
            )
            for e in raw["example"]
        )
        return Cause(
            id=cid,
            group=raw["group"],
            confidence=raw["confidence"],
            prior=prior or 0.5,
            prior_level=raw["prior"],
            prior_reason=raw["prior_reason"],
            title=_text(raw["title"]),
            explanation=_text(raw["explanation"]),
            regional_note=_text(raw["regional_note"]) if "regional_note" in raw else None,
            verify=tuple(_text(t) for t in raw["verify"]),
            steps=tuple(_text(t) for t in raw["steps"]),
            contacts=self.channel_refs(rel, "contacts", raw["contacts"], channels),
            sources=tuple(raw["sources"]),
            signals=tuple(signals),
            defeaters=defeaters,
            examples=examples,
        )

    def cross_check_causes(self, causes: Mapping[str, Cause], vocabulary: Mapping[str, Fact | Derived]) -> None:
        """Check what causes refer to: example facts and expected causes."""
        names: dict[str, str] = {}
        inputs = {k: v for k, v in vocabulary.items() if isinstance(v, Fact)}
        for cause in causes.values():
            rel = f"causes/{cause.id}.toml"
            for i, ex in enumerate(cause.examples, 1):
                place = f"example[{i}] ({ex.name})"
                if ex.name in names:
                    self.fail(rel, f"{place}.name", f"example name already used in {names[ex.name]}")
                names[ex.name] = rel
                for fact_id, value in ex.facts.items():
                    fact = inputs.get(fact_id)
                    if fact is None:
                        self.missing(rel, f"{place}.facts.{fact_id}", "unknown fact", fact_id, inputs)
                    elif not fact.free_text and value not in fact.allowed:
                        self.missing(rel, f"{place}.facts.{fact_id}", f"{value!r} is not allowed", value, fact.allowed)
                for other in (*ex.expect, *ex.absent, *((ex.top,) if ex.top else ())):
                    if other not in causes:
                        self.missing(rel, place, f"unknown cause {other!r}", other, causes)

    def build_checks(
        self, kind: str, raw: Iterable[Mapping[str, Any]], vocabulary: Mapping[str, Fact | Derived]
    ) -> dict[str, Check]:
        out: dict[str, Check] = {}
        for i, c in enumerate(raw, 1):
            place = f"{kind}[{i}] ({c['id']})"
            if c["id"] in out:
                self.fail("checks.toml", place, f"duplicate {kind} id")
                continue
            for j, fact_id in enumerate(c.get("recheck", ()), 1):
                if fact_id not in vocabulary or not isinstance(vocabulary[fact_id], Fact):
                    inputs = [k for k, v in vocabulary.items() if isinstance(v, Fact)]
                    self.missing("checks.toml", f"{place}.recheck[{j}]", f"unknown fact {fact_id!r}", fact_id, inputs)
            rules = tuple(
                Rule(
                    f"{c['id']}#{j}",
                    c["id"],
                    kind,  # type: ignore[arg-type]
                    self.conditions("checks.toml", f"{place}.rule[{j}].when", r["when"], vocabulary),
                )
                for j, r in enumerate(c["rule"], 1)
            )
            out[c["id"]] = Check(
                id=c["id"],
                kind=kind,  # type: ignore[arg-type]
                text=_text(c["text"]),
                recheck=tuple(c.get("recheck", ())),
                sources=tuple(c.get("sources", ())),
                rules=rules,
            )
        return out
