"""`python -m diagnose`: the terminal questionnaire and the knowledge linter."""

from diagnose.adapters.cli import run

run()
