"""A checklist of the knowledge base: several questions put at once ("has any of these happened?") and its options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from diagnose.knowledge.model import Text, Value

__all__ = ["Checklist", "Option"]


@dataclass(frozen=True, slots=True)
class Option:
    """One line of a checklist: picking it says that `fact` took one of `values`.

    An option of several values also offers each as a sub-choice, "fact.value" (`choices`): picking one answers the
    fact at once; picking the option alone leaves the value to a follow-up question.
    """

    id: str
    label: Text
    fact: str
    values: tuple[str, ...]
    reason: str
    short: Mapping[str, Text] = field(default_factory=dict)
    """value id -> the short label of its sub-choice (the loader fills in the fact's own label where none is
    given), for an option of several values."""

    @property
    def choices(self) -> tuple[Value, ...]:
        """The sub-choices ("fact.value" ids, short labels), one per value, when the option has several; else none."""
        if len(self.values) < 2:
            return ()
        return tuple(Value(f"{self.fact}.{v}", self.short[v]) for v in self.values)


@dataclass(frozen=True, slots=True)
class Checklist:
    """Several questions put at once ("has any of these happened?"); the person picks the options that hold.

    An option with one value answers its fact; one with several is asked next, offering only those values (see
    knowledge/README.md, "Choosing questions"). It has a Fact's `id`, texts, `values` and `allowed` (the options,
    as choices), so a Question can carry either.
    """

    id: str
    label: Text
    question: Text
    help: Text
    options: tuple[Option, ...]
    reason: str

    @property
    def values(self) -> tuple[Value, ...]:
        """The options as choices: their ids and labels."""
        return tuple(Value(o.id, o.label) for o in self.options)

    @property
    def allowed(self) -> tuple[str, ...]:
        """The option ids, in display order."""
        return tuple(o.id for o in self.options)

    @property
    def facts(self) -> tuple[str, ...]:
        """The facts its options answer."""
        return tuple(o.fact for o in self.options)

    def option(self, option_id: str) -> Option:
        """Return the Option with this id."""
        return next(o for o in self.options if o.id == option_id)

    def value(self, option_id: str) -> Value:
        """Return the option with this id as a choice."""
        return next(v for v in self.values if v.id == option_id)

    def pick(self, item: str) -> tuple[Option, str | None] | None:
        """What a picked item says: an option id -> (the option, None); a sub-choice "fact.value" -> (its option,
        the value). None when the item is neither."""
        fact, dot, value = item.partition(".")
        for option in self.options:
            if not dot and item == option.id:
                return option, None
            if dot and fact == option.fact and value in option.values:
                return option, value
        return None
