"""Builds the knowledge base's model objects from validated TOML tables, and cross-checks what they refer to.

Collects problems instead of stopping at the first: the loader (diagnose.knowledge.loader) reports them all.
"""

from __future__ import annotations

import graphlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from diagnose.errors import Problem, nearest
from diagnose.knowledge.locate import Locator, parse_place
from diagnose.knowledge.model import (
    Cause,
    Channel,
    Check,
    Condition,
    Derived,
    Example,
    Fact,
    Level,
    Rule,
    Scale,
    SecondLook,
    Source,
    Text,
    Value,
)

__all__ = ["Builder", "freeze", "text"]

def text(raw: Mapping[str, str]) -> Text:
    return Text(zh=raw["zh"].strip(), en=raw["en"].strip())


def freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


class Builder:
    """The build and cross-check steps of one load; `problems` collects what is wrong, with file and place."""

    problems: list[Problem]
    locators: dict[str, Locator]
    """Each file's line index, by its path in the knowledge directory."""

    def fail(self, file: str, place: str, message: str) -> None:
        self.problems.append(Problem(file, place, message, line=self.locate(file, place)))

    def locate(self, file: str, place: str) -> int | None:
        """The line a place names ("signal[3].when.x" -> its `when =` under the third [[signal]]), where known."""
        locator = self.locators.get(file)
        return locator.line(parse_place(place)) if locator is not None else None

    def source(self, file: str, place: str) -> Source:
        """Where `place` of `file` is written."""
        return Source(file, place, self.locate(file, place))

    def missing(self, file: str, place: str, message: str, name: str, known: Iterable[str]) -> None:
        """Report a reference to something undefined, with the nearest defined name when there is one."""
        hint = nearest(name, known)
        self.fail(file, place, message + (f"; did you mean {hint!r}?" if hint else ""))

    def build_scale(self, raw: Mapping[str, Any], facts: Mapping[str, Fact]) -> Scale:
        levels = sorted(
            (Level(lv["id"], lv["min"], text(lv["label"]), lv["meaning"]) for lv in raw["level"]),
            key=lambda lv: -lv.min,
        )
        if levels[-1].min != 0:
            self.fail("evidence.toml", "level", "the lowest level must have min = 0, so every cause has a level")
        ids = [lv.id for lv in levels]
        listing = raw["listing"]
        for key in ("main_min_level", "list_min_level"):
            if listing[key] not in ids:
                self.missing("evidence.toml", f"listing.{key}", "not a level", listing[key], ids)
        consultation = raw["consultation"]
        if consultation["settle_level"] not in ids:
            self.missing("evidence.toml", "consultation.settle_level", "not a level", consultation["settle_level"], ids)
        own = []
        for name, ratio in consultation["own_fact_dont_know"].items():
            if name not in raw["weight"]:
                self.missing("evidence.toml", f"consultation.own_fact_dont_know.{name}", "not a weight", name, raw["weight"])
            else:
                own.append((raw["weight"][name]["w"], ratio))
        mechanism = consultation["mechanism_weight"]
        if mechanism not in raw["weight"]:
            self.missing("evidence.toml", "consultation.mechanism_weight", "not a weight", mechanism, raw["weight"])
        return Scale(
            priors=freeze({k: v["p"] for k, v in raw["prior"].items()}),
            weights=freeze({k: v["w"] for k, v in raw["weight"].items()}),
            levels=tuple(levels),
            main=listing["main"],
            also=listing["also"],
            main_min=next((lv.min for lv in levels if lv.id == listing["main_min_level"]), 0.0),
            list_min=next((lv.min for lv in levels if lv.id == listing["list_min_level"]), 0.0),
            min_value=consultation["min_value"],
            max_questions=consultation["max_questions"],
            own_fact_dont_know=tuple(sorted(own, reverse=True)),
            mechanism_min=raw["weight"].get(mechanism, {}).get("w", math.inf),
            planning_prior_weight=consultation["planning_prior_weight"],
            settle_min=next((lv.min for lv in levels if lv.id == consultation["settle_level"]), 1.0),
            settle_change=consultation["settle_change"],
            second_looks=tuple(self.build_second_look(i, x, facts) for i, x in enumerate(raw.get("second_look", ()), 1)),
        )

    def build_second_look(self, i: int, raw: Mapping[str, Any], facts: Mapping[str, Fact]) -> SecondLook:
        place = f"second_look[{i}]"
        when = self.conditions("evidence.toml", f"{place}.when", raw["when"], facts)
        unless = self.conditions("evidence.toml", f"{place}.unless", raw.get("unless", {}), facts)
        return SecondLook(when, tuple(raw.get("ask", ())), raw["reason"], unless, tuple(raw.get("beside", ())))

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
                    text(v),
                    tuple(synonyms.get(v["id"], ())),
                    tuple(patterns.get(v["id"], ())),
                    tuple(terms.get(v["id"], ())),
                )
                for v in raw_values
            )
            facts[f["id"]] = Fact(
                id=f["id"],
                label=text(f["label"]),
                question=text(f["question"]),
                help=text(f["help"]),
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
            channels[c["id"]] = Channel(c["id"], text(c["name"]), text(c["detail"]))
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

    def build_derived(self, raw: Mapping[str, Any], vocabulary: Mapping[str, Fact | Derived], n: int) -> Derived:
        """The derived fact `raw`, the `n`th [[derived]] table of derived.toml."""
        values = vocabulary[raw["id"]].values
        rules = []
        for i, r in enumerate(raw["rule"], 1):
            place = f"derived ({raw['id']}).rule[{i}]"
            locator = self.locators.get("derived.toml")
            where = Source("derived.toml", place, locator.line(("derived", n - 1, "rule", i - 1)) if locator else None)
            if r["value"] not in {v.id for v in values}:
                self.fail("derived.toml", f"{place}.value", f"{r['value']!r} is not one of its values")
            rules.append(
                Rule(
                    id=f"{raw['id']}#{i}",
                    owner=raw["id"],
                    kind="derived",
                    when=self.conditions("derived.toml", f"{place}.when", r["when"], vocabulary),
                    value=r["value"],
                    explain=text(r["explain"]),
                    source=where,
                )
            )
        return Derived(raw["id"], text(raw["label"]), values, tuple(rules))

    # -- conditions and references ------------------------------------------------------------------------

    def conditions(
        self, file: str, place: str, raw: Mapping[str, str | tuple[str, ...]], vocabulary: Mapping[str, Fact | Derived]
    ) -> tuple[Condition, ...]:
        out = []
        for fact_id, given in raw.items():
            allowed = (given,) if isinstance(given, str) else given
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
        signals, defeaters = self.build_evidence(rel, raw, vocabulary, scale)
        prior = scale.priors.get(raw["prior"])
        if prior is None:
            self.missing(rel, "prior", f"unknown prior {raw['prior']!r}", raw["prior"], scale.priors)
        if raw["confidence"] == "regional" and "regional_note" not in raw:
            self.fail(rel, "regional_note", "a regional cause must say that it depends on 参保地")
        examples = tuple(
            Example(
                name=e["name"],
                cause=cid,
                facts=freeze(e["facts"]),
                top=e.get("top"),
                expect=tuple(e["expect"]),
                absent=tuple(e.get("absent", ())),
                story=e.get("story"),
                source=self.source(rel, f"example[{i}] ({e['name']})"),
                says=tuple(e.get("says", ())),
                never_says=tuple(e.get("never_says", ())),
            )
            for i, e in enumerate(raw["example"], 1)
        )
        return Cause(
            id=cid,
            group=raw["group"],
            confidence=raw["confidence"],
            prior=prior or 0.5,
            prior_level=raw["prior"],
            prior_reason=raw["prior_reason"],
            title=text(raw["title"]),
            explanation=text(raw["explanation"]),
            regional_note=text(raw["regional_note"]) if "regional_note" in raw else None,
            verify=tuple(text(t) for t in raw["verify"]),
            steps=tuple(text(t) for t in raw["steps"]),
            contacts=self.channel_refs(rel, "contacts", raw["contacts"], channels),
            sources=tuple(raw["sources"]),
            citizen_sources=tuple(text(x) for x in raw.get("citizen_sources", ())),
            signals=signals,
            defeaters=defeaters,
            examples=examples,
        )

    def build_evidence(
        self, rel: str, raw: Mapping[str, Any], vocabulary: Mapping[str, Fact | Derived], scale: Scale
    ) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
        """A cause's signals and defeaters, each with its weight and the line of its table."""
        cid = raw["id"]
        signals = []
        for i, r in enumerate(raw["signal"], 1):
            weight = scale.weights.get(r["weight"])
            if weight is None:
                self.missing(rel, f"signal[{i}].weight", f"unknown weight {r['weight']!r}", r["weight"], scale.weights)
            when = self.conditions(rel, f"signal[{i}].when", r["when"], vocabulary)
            where = self.source(rel, f"signal[{i}]")
            signals.append(
                Rule(f"{cid}#s{i}", cid, "signal", when, weight=weight or 0.0, strength=r["weight"], reason=r["reason"], source=where)
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
                source=self.source(rel, f"unless[{i}]"),
            )
            for i, r in enumerate(raw.get("unless", ()), 1)
        )
        return tuple(signals), defeaters

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
                    source=self.source("checks.toml", f"{place}.rule[{j}]"),
                )
                for j, r in enumerate(c["rule"], 1)
            )
            out[c["id"]] = Check(
                id=c["id"],
                kind=kind,  # type: ignore[arg-type]
                text=text(c["text"]),
                recheck=tuple(c.get("recheck", ())),
                sources=tuple(c.get("sources", ())),
                rules=rules,
                examples=tuple((e["name"], freeze(e["facts"])) for e in c["example"]),
            )
            for j, e in enumerate(c["example"], 1):
                for fact_id, value in e["facts"].items():
                    fact = vocabulary.get(fact_id)
                    if not isinstance(fact, Fact) or (not fact.free_text and value not in fact.allowed):
                        known = [k for k, v in vocabulary.items() if isinstance(v, Fact)]
                        what = f"{fact_id}={value!r} is not an answer"
                        self.missing("checks.toml", f"{place}.example[{j}].facts", what, fact_id, known)
        return out
