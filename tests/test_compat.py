"""experta is imported without crashing on Python >= 3.10 and without touching the host's logging."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


class TestImportFix:
    def test_experta_engine_runs_on_this_python(self) -> None:
        """A diagnosis (which imports experta and frozendict 1.2) works in a fresh interpreter."""
        out = _run(
            """
            import diagnose
            print(diagnose.diagnose({"insurance_type": "resident"}).causes[0].id)
            """
        )
        assert out == "resident_insurance_no_account"

    def test_plain_experta_import_is_what_needs_the_fix(self) -> None:
        """Without the alias, frozendict 1.2 fails on this Python, so the fix is really exercised."""
        result = subprocess.run([sys.executable, "-c", "import experta"], capture_output=True, text=True, timeout=120)
        assert result.returncode != 0  # every supported Python (3.10+) lacks collections.Mapping
        assert "Mapping" in result.stderr


class TestLogging:
    def test_root_logger_untouched_when_host_has_none(self) -> None:
        """Using the library leaves an unconfigured root logger with no handlers and its level."""
        out = _run(
            """
            import logging
            import diagnose
            diagnose.diagnose({"insurance_type": "employee", "query_channel": "bank"})
            root = logging.getLogger()
            print(len(root.handlers), root.level)
            """
        )
        assert out == f"0 {30}"

    def test_host_configuration_kept(self) -> None:
        """A host's own handler and level stay exactly as the host set them."""
        out = _run(
            """
            import logging
            handler = logging.NullHandler()
            logging.getLogger().addHandler(handler)
            logging.getLogger().setLevel(logging.ERROR)
            import diagnose
            diagnose.diagnose({})
            root = logging.getLogger()
            print(root.handlers == [handler], root.level == logging.ERROR)
            """
        )
        assert out == "True True"

    def test_library_prints_nothing(self) -> None:
        """Importing and diagnosing writes nothing to stdout or stderr."""
        result = subprocess.run(
            [sys.executable, "-c", "import diagnose; diagnose.diagnose({'symptom': 'always_zero'})"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
