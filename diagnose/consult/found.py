"""What the first-message reader returns: facts read with their spans and confidence."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Found", "Reading"]


@dataclass(frozen=True, slots=True)
class Found:
    """One fact read from a message: its value, the (masked) text it came from and how sure the reader is."""

    fact: str
    value: str
    span: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Reading:
    """What a first message says: facts about the subject, whose account it is, and what matched nothing."""

    text: str
    """The message, masked."""
    facts: tuple[Found, ...]
    subject: str | None
    """"self", "family_member", or None when the message does not say."""
    unmatched: tuple[str, ...]
    threshold: float

    def confident(self) -> dict[str, str]:
        """Fact -> value for the facts read with at least the knowledge base's threshold of confidence."""
        return {f.fact: f.value for f in self.facts if f.confidence >= self.threshold}

    def guesses(self) -> dict[str, str]:
        """Fact -> value for the facts read with less confidence: to offer as the default, not to use."""
        return {f.fact: f.value for f in self.facts if f.confidence < self.threshold}
