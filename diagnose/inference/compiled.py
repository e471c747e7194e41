"""The compiled back-end: one knowledge base's rules turned into straight-line Python, built once and cached.

The meaning is that of diagnose.inference.semantics (it returns the same `Inference` as `semantics.infer`):
derived facts are settled in dependency order, each by the first of its rules, in the order written, whose
every condition holds; every other rule fires when each of its conditions holds. What changes is the cost: the
generated function reads each fact once into a local, tests each condition as one set membership, and groups
the rules that share a first condition under one test, so a rule whose first condition fails costs nothing.
The value sets are frozensets of the knowledge base itself, passed to the generated code as constants.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping

from diagnose.inference.semantics import Inference
from diagnose.knowledge.model import Condition, KnowledgeBase, Rule

__all__ = ["infer", "source"]

_Infer = Callable[[Mapping[str, str | None]], Inference]


class _Writer:
    """Collects the generated lines and the constants they refer to."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.consts: dict[str, object] = {}
        self._names: dict[object, str] = {}
        self.locals: dict[str, str] = {}
        """fact id -> the local variable holding its value (None when unknown)."""

    def const(self, value: object) -> str:
        """The name of a constant holding `value` (one name per distinct value)."""
        key = (type(value), value)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = f"K{len(self._names)}"
            self.consts[name] = value
        return name

    def local(self, fact: str) -> str:
        """The local variable of `fact`, read from the answers the first time it is needed."""
        name = self.locals.get(fact)
        if name is None:
            name = self.locals[fact] = f"v{len(self.locals)}"
            self.lines.append(f"    {name} = get({self.const(fact)})")
        return name

    def conjunction(self, conditions: tuple[Condition, ...]) -> str:
        """`conditions` as one Python expression ("" when there are none)."""
        return " and ".join(f"{self.local(c.fact)} in {self.const(c.allowed)}" for c in conditions)

    def test(self, rule: Rule) -> str:
        """The condition of `rule` as one Python expression."""
        return self.conjunction(rule.when) or "True"


def source(kb: KnowledgeBase) -> tuple[str, dict[str, object]]:
    """The generated module text for `kb` and the constants it reads (for reading and for tests)."""
    w = _Writer()
    w.lines.append("def infer(answers):")
    w.lines.append("    known = {f: v for f, v in answers.items() if v is not None}")
    w.lines.append("    get = known.get")
    w.lines.append("    derived = {}")
    w.lines.append("    fired = []")
    w.lines.append("    add = fired.append")
    for fact in kb.derived.values():  # dependency order
        tests = [(w.test(r), r) for r in fact.rules]  # reads the inputs before the branches
        var = w.locals[fact.id] = f"v{len(w.locals)}"
        w.lines.append(f"    {var} = None")
        for i, (test, rule) in enumerate(tests):
            w.lines.append(f"    {'if' if i == 0 else 'elif'} {test}:")
            w.lines.append(f"        {var} = {w.const(rule.value or '')}")
            w.lines.append(f"        derived[{w.const(fact.id)}] = ({var}, {w.const(rule.id)})")
    groups: dict[tuple[str, frozenset[str]], list[Rule]] = {}
    for rule in kb.rules():
        if rule.kind == "derived":
            continue
        if not rule.when:
            w.lines.append(f"    add({w.const(rule.id)})")
            continue
        first = rule.when[0]
        groups.setdefault((first.fact, first.allowed), []).append(rule)
    for (first_fact, allowed), rules in groups.items():
        # Every read is emitted at the top level, before the branch that uses it.
        head = f"{w.local(first_fact)} in {w.const(allowed)}"
        rests = [(rule, w.conjunction(rule.when[1:])) for rule in rules]
        w.lines.append(f"    if {head}:")
        for rule, rest in rests:
            if rest:
                w.lines.append(f"        if {rest}:")
                w.lines.append(f"            add({w.const(rule.id)})")
            else:
                w.lines.append(f"        add({w.const(rule.id)})")
    w.lines.append("    return Inference(known, derived, frozenset(fired))")
    w.consts["Inference"] = Inference
    return "\n".join(w.lines) + "\n", w.consts


def compile_kb(kb: KnowledgeBase) -> _Infer:
    """Generate and compile the back-end for `kb`."""
    text, consts = source(kb)
    namespace: dict[str, object] = dict(consts)
    # Our own generated code: every name and value in it comes from the validated knowledge base as a constant.
    exec(compile(text, f"<diagnose.compiled {kb.version}>", "exec"), namespace)
    function: _Infer = namespace["infer"]  # type: ignore[assignment]
    return function


_COMPILED: dict[int, _Infer] = {}


def compiled(kb: KnowledgeBase) -> _Infer:
    """The compiled back-end of `kb`, built on first use and forgotten with the knowledge base."""
    function = _COMPILED.get(id(kb))
    if function is None:
        function = _COMPILED[id(kb)] = compile_kb(kb)
        weakref.finalize(kb, _COMPILED.pop, id(kb), None)
    return function


def infer(kb: KnowledgeBase, answers: Mapping[str, str | None]) -> Inference:
    """The compiled back-end: the same result as `semantics.infer(kb, answers)`."""
    return compiled(kb)(answers)
