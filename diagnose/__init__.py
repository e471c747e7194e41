"""diagnose: why a 医保个人账户 balance shows 0, is missing or is low, and what to do about it.

The public API is re-exported here; everything else is internal. The library never prints, never reads stdin,
never touches the network and leaves the host's logging configuration alone.
"""

from diagnose.api import Diagnoser, diagnose, extract_facts, load_knowledge, read_message
from diagnose.consult.reading import Found, Reading
from diagnose.consult.session import Consultation, Effect, Question, Reply, Why
from diagnose.errors import (
    ConsultationError,
    DiagnoseError,
    InputError,
    InvalidValueError,
    KnowledgeError,
    StateError,
    UnknownFactError,
)
from diagnose.inference.result import CauseResult, Diagnosis, Evidence, Message, Reason
from diagnose.knowledge.model import KnowledgeBase, Text

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
