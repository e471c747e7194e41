"""`python -m diagnose`: the terminal questionnaire and the knowledge linter."""

from .cli import run

run()
