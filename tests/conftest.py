"""Shared fixtures: the shipped knowledge base and a writable copy of it."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

import diagnose
from diagnose.knowledge.model import KnowledgeBase


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of the tests that take seconds (deselect them with -m "not slow")."""
    config.addinivalue_line("markers", "slow: runs thousands of answer sets through every back-end (seconds)")
    # The knowledge cache of the tests (and of the processes they start) lives in a fresh directory, never in
    # the user's ~/.cache; the suite thus runs on cached knowledge bases, as users do.
    os.environ["DIAGNOSE_CACHE_DIR"] = tempfile.mkdtemp(prefix="diagnose-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the test run's knowledge cache."""
    shutil.rmtree(os.environ.pop("DIAGNOSE_CACHE_DIR", ""), ignore_errors=True)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The shipped knowledge base."""
    return diagnose.load_knowledge()


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    """A copy of the shipped knowledge directory that a test may break."""
    target = tmp_path / "knowledge"
    shutil.copytree(diagnose.load_knowledge().path, target)
    return target


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how much of the answer space the exhaustive verification checked, even under -q."""
    exhaustive = sys.modules.get("test_exhaustive")
    summary = getattr(exhaustive, "SUMMARY", None)
    if summary:
        terminalreporter.write_line(f"exhaustive verification: {summary}")
