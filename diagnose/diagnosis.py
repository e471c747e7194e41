"""The result of a diagnosis: ranked causes with the HOW explanation, warnings, notes and the fallback."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ._compiler import Outcome
from ._engine import Inference
from .model import Advice, Cause, Channel, Check, KnowledgeBase, Rule, Text

__all__ = ["CauseResult", "Diagnosis", "Message", "Reason", "build"]

CauseStatus = Literal["confirmed", "possible"]


@dataclass(frozen=True, slots=True)
class Reason:
    """One step of the HOW explanation: a fact and its value, and for a derived fact the rule behind it."""

    fact: str
    value: str
    label: Text
    value_label: Text
    derived: bool
    rule: str | None = None
    explain: Text | None = None
    because: tuple[Reason, ...] = ()

    def describe(self, lang: str) -> str:
        """Return this step as one line in `lang`, e.g. "医保类型：城乡居民医保"."""
        if self.explain is None:
            sep = ": " if lang == "en" else "："
            return f"{self.label.get(lang)}{sep}{self.value_label.get(lang)}"
        if lang == "en":
            return f"Inferred: {self.label.en}: {self.value_label.en} ({self.explain.en})"
        return f"推断「{self.value_label.zh}」：{self.explain.zh}"

    def walk(self, depth: int = 0) -> list[tuple[int, Reason]]:
        """Return this step and the steps behind it, depth first, with their depth."""
        out = [(depth, self)]
        for inner in self.because:
            out.extend(inner.walk(depth + 1))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return {
            "fact": self.fact,
            "value": self.value,
            "label": self.label.to_dict(),
            "value_label": self.value_label.to_dict(),
            "derived": self.derived,
            "rule": self.rule,
            "explain": self.explain.to_dict() if self.explain else None,
            "because": [r.to_dict() for r in self.because],
        }


def _channel_dict(channel: Channel) -> dict[str, Any]:
    return {"id": channel.id, "name": channel.name.to_dict(), "detail": channel.detail.to_dict()}


@dataclass(frozen=True, slots=True)
class CauseResult:
    """A cause that fits the answers: `confirmed` when all its conditions hold, `possible` when some are unknown."""

    cause: Cause
    status: CauseStatus
    rule: str
    because: tuple[Reason, ...]
    unknown: tuple[str, ...]

    @property
    def id(self) -> str:
        """The cause id (domain.md §3)."""
        return self.cause.id

    @property
    def title(self) -> Text:
        """The cause's title."""
        return self.cause.title

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict holding every text in zh and en."""
        c = self.cause
        return {
            "id": c.id,
            "status": self.status,
            "group": c.group,
            "confidence": c.confidence,
            "title": c.title.to_dict(),
            "explanation": c.explanation.to_dict(),
            "regional_note": c.regional_note.to_dict() if c.regional_note else None,
            "verify": [t.to_dict() for t in c.verify],
            "steps": [t.to_dict() for t in c.steps],
            "contacts": [_channel_dict(ch) for ch in c.contacts],
            "sources": list(c.sources),
            "rule": self.rule,
            "because": [r.to_dict() for r in self.because],
            "unknown": list(self.unknown),
        }


@dataclass(frozen=True, slots=True)
class Message:
    """A warning about contradictory answers, or a reassurance note, with the answers that raised it."""

    check: Check
    because: tuple[Reason, ...]

    @property
    def id(self) -> str:
        """The warning or note id."""
        return self.check.id

    @property
    def text(self) -> Text:
        """What to tell the person."""
        return self.check.text

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        out: dict[str, Any] = {"id": self.id, "text": self.text.to_dict(), "because": [r.to_dict() for r in self.because]}
        if self.check.kind == "warning":
            out["recheck"] = list(self.check.recheck)
        else:
            out["sources"] = list(self.check.sources)
        return out


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Why the balance looks the way it does: causes (most likely first), warnings, notes, and a fallback.

    `fallback` is set exactly when no cause fits, so a diagnosis never comes back empty.
    """

    facts: Mapping[str, str]
    causes: tuple[CauseResult, ...]
    warnings: tuple[Message, ...]
    notes: tuple[Message, ...]
    fallback: Advice | None
    knowledge_version: str

    @property
    def confirmed(self) -> tuple[CauseResult, ...]:
        """The causes whose every condition holds."""
        return tuple(c for c in self.causes if c.status == "confirmed")

    @property
    def possible(self) -> tuple[CauseResult, ...]:
        """The causes that still fit but depend on facts not yet known."""
        return tuple(c for c in self.causes if c.status == "possible")

    def signature(self) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
        """What a further answer could change: the reported causes with their status, and the warnings."""
        return frozenset((c.id, c.status) for c in self.causes), frozenset(w.id for w in self.warnings)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict holding every text in zh and en."""
        fb = self.fallback
        return {
            "knowledge_version": self.knowledge_version,
            "facts": dict(self.facts),
            "causes": [c.to_dict() for c in self.causes],
            "warnings": [w.to_dict() for w in self.warnings],
            "notes": [n.to_dict() for n in self.notes],
            "fallback": None
            if fb is None
            else {
                "title": fb.title.to_dict(),
                "explanation": fb.explanation.to_dict(),
                "steps": [t.to_dict() for t in fb.steps],
                "contacts": [_channel_dict(ch) for ch in fb.contacts],
            },
        }


_RANK = {"confirmed": 0, "possible": 1}


def _reasons(kb: KnowledgeBase, held: tuple[tuple[str, str], ...], inference: Inference) -> tuple[Reason, ...]:
    """Explain each condition that held; a derived fact is explained by the rule that set it, recursively."""
    out = []
    for fact_id, value in held:
        if fact_id in kb.facts:
            fact = kb.facts[fact_id]
            out.append(Reason(fact_id, value, fact.label, fact.value(value).label, derived=False))
            continue
        derived = kb.derived[fact_id]
        rule_id = inference.derived[fact_id][1]
        rule = next(r for r in derived.rules if r.id == rule_id)
        inner = tuple((c.fact, _value_of(c.fact, inference)) for c in rule.when)
        out.append(
            Reason(
                fact_id,
                value,
                derived.label,
                derived.value(value).label,
                derived=True,
                rule=rule.id,
                explain=rule.explain,
                because=_reasons(kb, inner, inference),
            )
        )
    return tuple(out)


def _value_of(fact: str, inference: Inference) -> str:
    value = inference.derived[fact][0] if fact in inference.derived else inference.answers[fact]
    assert value is not None  # a rule that fired had every condition set
    return value


def build(
    kb: KnowledgeBase,
    answers: Mapping[str, str],
    inference: Inference,
    rules: Mapping[str, Rule],
    position: Mapping[str, int],
) -> Diagnosis:
    """Turn one engine run into a Diagnosis: best status per cause, ranked, with reasons.

    `rules` maps every rule id of `kb` to its rule, and `position` gives its place in kb.rules(); both are built
    once per knowledge base (see Diagnoser).
    """
    # experta fires rules of equal salience in no fixed order, so ties go to the rule written first: the same
    # answers always give the same explanation.
    best: dict[str, Outcome] = {}
    fired: dict[str, dict[str, Outcome]] = {"warning": {}, "note": {}}
    for outcome in sorted(inference.outcomes, key=lambda o: position[o.rule]):
        rule = rules[outcome.rule]
        if rule.kind != "cause":
            fired[rule.kind].setdefault(rule.owner, outcome)
            continue
        current = best.get(rule.owner)
        if current is None or (_RANK[outcome.status], -len(outcome.held)) < (
            _RANK[current.status],
            -len(current.held),
        ):
            best[rule.owner] = outcome
    ranked = sorted(
        best.items(),
        key=lambda kv: (_RANK[kv[1].status], -kb.causes[kv[0]].likelihood, -len(kv[1].held), position[kv[1].rule]),
    )
    causes = tuple(
        CauseResult(
            cause=kb.causes[cid],
            status=o.status,  # type: ignore[arg-type]
            rule=o.rule,
            because=_reasons(kb, o.held, inference),
            unknown=o.unknown,
        )
        for cid, o in ranked
    )

    def messages(kind: str, checks: Mapping[str, Check]) -> tuple[Message, ...]:
        found = fired[kind]
        return tuple(Message(c, _reasons(kb, found[c.id].held, inference)) for c in checks.values() if c.id in found)

    return Diagnosis(
        facts=dict(answers),
        causes=causes,
        warnings=messages("warning", kb.warnings),
        notes=messages("note", kb.notes),
        fallback=None if causes else kb.fallback,
        knowledge_version=kb.version,
    )
