"""diagnose: why a 医保个人账户 balance shows 0, is missing or is low, and what to do about it.

The public API is re-exported here; everything else is internal. The library never prints, never reads stdin,
never touches the network and leaves the host's logging configuration alone.
"""

import typing as _typing
from importlib import import_module as _import_module

from diagnose.errors import (
    ConsultationError,
    DiagnoseError,
    InputError,
    InvalidValueError,
    KnowledgeError,
    StateError,
    UnknownFactError,
)

if _typing.TYPE_CHECKING:
    from diagnose.api import Diagnoser, diagnose, extract_facts, load_knowledge, read_message
    from diagnose.consult.reading import Found, Reading
    from diagnose.consult.session import Consultation, Effect, Question, Reply, Why
    from diagnose.inference.result import CauseResult, Diagnosis, Evidence, Message, Reason
    from diagnose.knowledge.model import KnowledgeBase, Text

# The rest of the public API is imported on first use (PEP 562), so that `import diagnose` costs a host
# application almost nothing until it asks for a diagnosis; each name then stays in the namespace.
_LAZY = {
    **dict.fromkeys(("Diagnoser", "diagnose", "extract_facts", "load_knowledge", "read_message"), "diagnose.api"),
    **dict.fromkeys(("Found", "Reading"), "diagnose.consult.reading"),
    **dict.fromkeys(("Consultation", "Effect", "Question", "Reply", "Why"), "diagnose.consult.session"),
    **dict.fromkeys(("CauseResult", "Diagnosis", "Evidence", "Message", "Reason"), "diagnose.inference.result"),
    **dict.fromkeys(("KnowledgeBase", "Text"), "diagnose.knowledge.model"),
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'diagnose' has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__version__ = "0.1.0"
"""The package version; pyproject.toml reads it from here."""

__all__ = [
    "CauseResult",
    "Consultation",
    "ConsultationError",
    "DiagnoseError",
    "Diagnoser",
    "Diagnosis",
    "Effect",
    "Evidence",
    "Found",
    "InputError",
    "InvalidValueError",
    "KnowledgeBase",
    "KnowledgeError",
    "Message",
    "Question",
    "Reading",
    "Reason",
    "Reply",
    "StateError",
    "Text",
    "UnknownFactError",
    "Why",
    "diagnose",
    "extract_facts",
    "load_knowledge",
    "read_message",
]
