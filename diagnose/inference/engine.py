"""Runs the compiled experta engine: built once per knowledge base and thread, then reset/declare/run.

An experta engine keeps its working memory and agenda on the instance, so two threads sharing one would mix
their facts. Each thread gets its own instance of the compiled class instead of sharing one behind a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from diagnose.inference.compiler import compile_engine, input_fields
from diagnose.inference.semantics import Inference
from diagnose.knowledge.model import KnowledgeBase

__all__ = ["Engine"]


def _flat_reset(root: Any) -> Callable[[], None]:
    """The matcher's reset: every node of the Rete network clears its own memory, each once.

    experta's own reset recurses from the root, logging a debug record per node visited, and visits a node once
    per path to it; the memories it clears are the same. The network does not change after it is built, so the
    nodes are listed once, here."""
    nodes: dict[int, Any] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in nodes:
            nodes[id(node)] = node
            stack.extend(child.node for child in node.children)
    resets = tuple(node._reset for node in nodes.values())

    def reset() -> None:
        for clear in resets:
            clear()

    return reset


class Engine:
    """The experta engine for one knowledge base, one instance per thread."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._class = compile_engine(kb)
        self._fields = input_fields(kb)
        self._local = threading.local()

    def _instance(self) -> Any:
        engine = getattr(self._local, "engine", None)
        if engine is None:
            engine = self._local.engine = self._class()
            engine.matcher.reset = _flat_reset(engine.matcher.root_node)
        return engine

    def run(self, answers: Mapping[str, str | None]) -> Inference:
        """Infer from validated answers (missing or None means unknown)."""
        engine = self._instance()
        engine.reset()
        engine.fired = set()
        engine.settled = set()
        engine.declare(engine.Answers(**{f: answers.get(f) for f in self._fields}))
        engine.run()
        derived = {
            fact["id"]: (fact["value"], fact["rule"])
            for fact in engine.facts.values()
            if isinstance(fact, engine.Inferred) and fact["value"] is not None
        }
        known = {f: v for f, v in answers.items() if v is not None}
        return Inference(known, derived, frozenset(engine.fired))
