"""Imports experta without its two side effects on the host process.

experta 1.9.4 pins frozendict 1.2, which still reads ``collections.Mapping`` (removed in Python 3.10), and it
calls ``logging.basicConfig()`` at import time, which a library must never do to its host.
"""

from __future__ import annotations

import collections
import collections.abc
import threading
from types import ModuleType

_lock = threading.Lock()


def import_experta() -> ModuleType:
    """Import and return experta with the host's root logger left exactly as it was."""
    import logging  # here, not at module level: importing the library should cost as little as possible

    with _lock:
        if not hasattr(collections, "Mapping"):
            # frozendict 1.2 subclasses collections.Mapping; the abc is the same class it always was.
            collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]
        root = logging.getLogger()
        handlers, level = root.handlers[:], root.level
        try:
            import experta
        finally:
            for handler in root.handlers[:]:
                if handler not in handlers:
                    root.removeHandler(handler)
            root.setLevel(level)
        module: ModuleType = experta
        return module
