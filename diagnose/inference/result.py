"""The result of a diagnosis: ranked causes with the HOW explanation, warnings, notes and the fallback.

Built from an inference record (diagnose.semantics.Inference) that any back-end produces; nothing here knows
the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from diagnose.inference.semantics import CauseScore, Inference, conclude
from diagnose.knowledge.model import MAINTAINER_ONLY, Advice, Cause, Channel, Check, KnowledgeBase, Level, Rule, Text

__all__ = ["CauseResult", "Diagnosis", "Evidence", "Message", "Reason", "build"]


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
class Evidence:
    """One signal that moved a cause: the answers behind it, its direction and its weight in log-odds."""

    signal: str
    weight: float
    strength: str
    because: tuple[Reason, ...]

    @property
    def direction(self) -> Literal["for", "against"]:
        """ "for" when the signal makes the cause more likely, "against" when less."""
        return "for" if self.weight > 0 else "against"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return {
            "signal": self.signal,
            "direction": self.direction,
            "weight": self.weight,
            "strength": self.strength,
            "because": [r.to_dict() for r in self.because],
        }


@dataclass(frozen=True, slots=True)
class CauseResult:
    """A cause the answers give evidence for, with how sure that is and the evidence itself.

    `status` is the level id of knowledge/evidence.toml ("confirmed", "likely", "possible", "worth_checking"),
    `score` the log-odds (prior plus evidence) and `probability` its logistic.
    """

    cause: Cause
    level: Level
    score: float
    probability: float
    prior: float
    evidence: tuple[Evidence, ...]

    @property
    def id(self) -> str:
        """The cause id (domain.md §3)."""
        return self.cause.id

    @property
    def status(self) -> str:
        """The level id: how sure the diagnosis is of this cause."""
        return self.level.id

    @property
    def strength(self) -> Text:
        """How sure, in words (很可能, likely …)."""
        return self.level.label

    @property
    def title(self) -> Text:
        """The cause's title."""
        return self.cause.title

    @property
    def because(self) -> tuple[Reason, ...]:
        """The answers and inferred facts behind the evidence for this cause, each once."""
        seen: dict[tuple[str, str], Reason] = {}
        for item in self.evidence:
            if item.weight > 0:
                for reason in item.because:
                    seen.setdefault((reason.fact, reason.value), reason)
        return tuple(seen.values())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict holding every text in zh and en."""
        c = self.cause
        return {
            "id": c.id,
            "status": self.status,
            "strength": self.strength.to_dict(),
            "score": round(self.score, 6),
            "probability": round(self.probability, 6),
            "prior": round(self.prior, 6),
            "evidence": [e.to_dict() for e in self.evidence],
            "group": c.group,
            "confidence": c.confidence,
            "title": c.title.to_dict(),
            "explanation": c.explanation.to_dict(),
            "regional_note": c.regional_note.to_dict() if c.regional_note else None,
            "verify": [t.to_dict() for t in c.verify],
            "steps": [t.to_dict() for t in c.steps],
            "contacts": [_channel_dict(ch) for ch in c.contacts],
            "sources": [x.to_dict() for x in c.citizen_sources],
            "because": [r.to_dict() for r in self.because],
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
        out: dict[str, Any] = {
            "id": self.id,
            "text": self.text.to_dict(),
            "because": [r.to_dict() for r in self.because],
        }
        if self.check.kind == "warning":
            out["recheck"] = list(self.check.recheck)
        else:
            # what a citizen may be shown: no seed file, web address or unverified document number
            out["sources"] = [x for x in self.check.sources if not MAINTAINER_ONLY.search(x)]
        return out


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Why the balance looks the way it does: causes (most likely first), warnings, notes, and a fallback.

    `causes` are the main causes (at most a few); `also` the next ones worth checking. A cause is listed only
    when the answers give evidence of its own for it. `fallback` is set exactly when no cause is listed, so a
    diagnosis never comes back empty.
    """

    facts: Mapping[str, str]
    causes: tuple[CauseResult, ...]
    also: tuple[CauseResult, ...]
    warnings: tuple[Message, ...]
    notes: tuple[Message, ...]
    fallback: Advice | None
    knowledge_version: str

    @property
    def confirmed(self) -> tuple[CauseResult, ...]:
        """The main causes the answers settle."""
        return tuple(c for c in self.causes if c.status == "confirmed")

    @property
    def listed(self) -> tuple[CauseResult, ...]:
        """Every listed cause: the main ones, then the ones also worth checking."""
        return self.causes + self.also

    def signature(self) -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
        """What a further answer could change: the main causes in order with their level, and the warnings."""
        return tuple((c.id, c.status) for c in self.causes), frozenset(w.id for w in self.warnings)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict holding every text in zh and en."""
        fb = self.fallback
        return {
            "knowledge_version": self.knowledge_version,
            "facts": dict(self.facts),
            "causes": [c.to_dict() for c in self.causes],
            "also": [c.to_dict() for c in self.also],
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
    return inference.derived[fact][0] if fact in inference.derived else inference.answers[fact]


def _held(rule: Rule, inference: Inference) -> tuple[tuple[str, str], ...]:
    return tuple((c.fact, _value_of(c.fact, inference)) for c in rule.when)


def _result(kb: KnowledgeBase, score: CauseScore, inference: Inference) -> CauseResult:
    evidence = tuple(
        Evidence(r.id, r.weight, r.strength or "", _reasons(kb, _held(r, inference), inference)) for r in score.evidence
    )
    return CauseResult(kb.causes[score.cause], score.level, score.score, score.probability, score.prior, evidence)


def build(kb: KnowledgeBase, inference: Inference) -> Diagnosis:
    """Turn one inference record, from any back-end, into a Diagnosis."""
    ranking = conclude(kb, inference)

    def messages(checks: Mapping[str, Check]) -> tuple[Message, ...]:
        out = []
        for check in checks.values():
            rule = next((r for r in check.rules if r.id in inference.fired), None)
            if rule is not None:
                out.append(Message(check, _reasons(kb, _held(rule, inference), inference)))
        return tuple(out)

    causes = tuple(_result(kb, s, inference) for s in ranking.main)
    return Diagnosis(
        facts=MappingProxyType(dict(inference.answers)),
        causes=causes,
        also=tuple(_result(kb, s, inference) for s in ranking.also),
        warnings=messages(kb.warnings),
        notes=messages(kb.notes),
        fallback=None if causes else kb.fallback,
        knowledge_version=kb.version,
    )
