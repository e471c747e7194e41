"""What an answer to a checklist picks, and the record a consultation keeps of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from diagnose.errors import InvalidValueError, StateError, quote
from diagnose.knowledge.checklist import Checklist, Option

if TYPE_CHECKING:
    from diagnose.consult.session import Consultation

__all__ = ["Checked", "alone", "chosen", "picked", "record", "restore"]


@dataclass(slots=True)
class Checked:
    """A checklist answered: the options picked (None: skipped), the facts it answered, the answer before it."""

    picked: tuple[str, ...] | None
    facts: list[str] = field(default_factory=list)
    after: str | None = None


def picked(checklist: Checklist, value: str | Iterable[str]) -> tuple[str, ...]:
    """The items of a checklist answer, each an option id or a sub-choice "fact.value", at most one value per option
    (InvalidValueError else)."""
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else None
    if items is None or not all(isinstance(x, str) and checklist.pick(x) for x in items):
        what = f"answer a checklist with a list of its options or sub-choices ([] for none), not {quote(value)}"
        subs = [c.id for o in checklist.options for c in o.choices]
        raise InvalidValueError(checklist.id, value, [*checklist.allowed, *subs], reason=what)
    items = list(dict.fromkeys(items))
    chosen(checklist, items)  # two values of one option are refused here, before anything is recorded
    return tuple(items)


def chosen(checklist: Checklist, items: Iterable[str]) -> dict[str, str | None]:
    """Option id -> the value its pick gives (a sub-choice's, or an option of one value's), or None when the option
    of several values was picked alone. Two values of one option are refused (InvalidValueError)."""
    chosen: dict[str, str | None] = {}
    items = tuple(items)
    for option, value in (checklist.pick(x) or (None, None) for x in items):
        if option is None:
            continue
        value = value or (option.values[0] if len(option.values) == 1 else None)
        if value is not None and chosen.get(option.id) not in (None, value):
            what = f"pick one value of {option.fact!r} at most"
            raise InvalidValueError(checklist.id, list(items), [c.id for c in option.choices], reason=what)
        chosen[option.id] = value or chosen.get(option.id)
    return chosen


def alone(checklist: Checklist, items: tuple[str, ...] | None) -> tuple[Option, ...]:
    """The options of several values picked by themselves, without a sub-choice: their fact is a follow-up."""
    return tuple(o for o in checklist.options if o.id in (items or ()) and len(o.values) > 1)


def record(
    checklist: Checklist, items: tuple[str, ...] | None, answers: dict[str, str | None], offered: Iterable[str]
) -> Checked:
    """Record a checklist answer (`items` from `picked`, None: skipped) in `answers`: each option picked with its
    value, each option `offered` and not picked as 不知道 (None), facts already answered left alone; an option of
    several values picked alone is left open for its follow-up."""
    choice = chosen(checklist, items or ())
    offered = set(offered) if items is not None else set()
    done = Checked(items, after=next(reversed(answers), None))
    for option in checklist.options:
        if option.fact in answers or (option.id not in offered and option.id not in choice):
            continue
        if option.id in choice and choice[option.id] is None:
            continue  # which of its values: asked next, offering them
        answers[option.fact] = choice.get(option.id)
        done.facts.append(option.fact)
    return done


def restore(consultation: Consultation, items: object) -> dict[str, Checked]:
    """A state's 'checklists': each answered checklist once, its picks its options, its facts answered ones of its
    options (StateError otherwise)."""
    kb = consultation.kb
    if not isinstance(items, list):
        raise StateError("'checklists' must be a list of answered checklists")
    out: dict[str, Checked] = {}
    claimed: set[str] = set()
    for i, item in enumerate(items):
        checklist = kb.checklists.get(item.get("id")) if isinstance(item, dict) else None  # type: ignore[arg-type]
        if not isinstance(item, dict) or checklist is None or checklist.id in out:
            raise StateError(f"checklists[{i}] must name a checklist of this knowledge base, once")
        picked, facts, after = item.get("picked"), item.get("facts", []), item.get("after")
        options_ok = isinstance(picked, list) and all(isinstance(p, str) and checklist.pick(p) for p in picked)
        if picked is not None and not (options_ok and len(set(picked)) == len(picked)):
            raise StateError(f"checklists[{i}].picked must list options of {checklist.id!r}, each once, or be null")
        answered = consultation.answers
        if not isinstance(facts, list) or any(
            not isinstance(f, str) or f not in checklist.facts or f not in answered or f in claimed for f in facts
        ):
            raise StateError(f"checklists[{i}].facts must list answered facts of {checklist.id!r}'s options, each once")
        if after is not None and after not in kb.facts:
            raise StateError(f"checklists[{i}].after must be a fact id or null")
        claimed.update(facts)
        out[checklist.id] = Checked(None if picked is None else tuple(picked), list(facts), after)
    return out
