"""The knowledge-base linter: clean on the shipped knowledge base, and each check fires on a broken copy."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import pytest

import diagnose
from diagnose.cli import main
from diagnose.errors import Problem
from diagnose.lint import lint
from diagnose.model import KnowledgeBase


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _lint(path: Path) -> list[Problem]:
    return lint(diagnose.load_knowledge(path))


def _find(problems: list[Problem], file: str, place: str, words: str) -> Problem:
    found = [p for p in problems if p.file == file and p.place == place and words in p.message]
    assert found, f"no problem at {file}: {place} mentioning {words!r} in {[str(p) for p in problems]}"
    return found[0]


class TestShippedKnowledge:
    def test_lints_clean(self, kb: KnowledgeBase) -> None:
        """The shipped knowledge base has no lint problem."""
        assert lint(kb) == []

    def test_check_command_runs_lint_and_passes(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`python -m diagnose check` loads, lints and reports ok on the shipped knowledge base."""
        assert main(["check"]) == 0
        assert capsys.readouterr().out.startswith("ok:")


class TestUnreachable:
    def test_cause_rule_that_never_holds(self, kb_copy: Path) -> None:
        """A cause rule whose conditions contradict each other through derived facts is unreachable."""
        _replace(
            kb_copy / "causes/duplicate_enrollment.toml",
            'when = { identity_issue = "duplicate_enrollment" }',
            'given = { account_exists = "yes" }\n'
            'when = { identity_issue = "duplicate_enrollment", insurance_type = "resident" }',
        )
        problem = _find(_lint(kb_copy), "causes/duplicate_enrollment.toml", "rule[1]", "unreachable")
        assert "'duplicate_enrollment' can never be confirmed" in problem.message

    def test_dead_rule_beside_a_live_one(self, kb_copy: Path) -> None:
        """One dead rule is reported even when another rule still reaches the cause."""
        _append(
            kb_copy / "causes/queried_financial_account.toml",
            '\n[[rule]]\ngiven = { real_shortfall = "yes" }\nwhen = { query_channel = "bank" }\n',
        )
        problem = _find(_lint(kb_copy), "causes/queried_financial_account.toml", "rule[2]", "unreachable")
        assert "never be confirmed" not in problem.message

    def test_note_that_never_holds(self, kb_copy: Path) -> None:
        """A note whose only rule can never hold is reported at its place in checks.toml."""
        _replace(
            kb_copy / "checks.toml",
            'when = { withdrawn_or_closed = "death" }',
            'when = { withdrawn_or_closed = "death", insurance_type = "none", insured_now = "yes" }',
        )
        problem = _find(_lint(kb_copy), "checks.toml", "note[5] (inheritance).rule[1]", "unreachable")
        assert "note 'inheritance' can never be shown" in problem.message


class TestSubsumed:
    def test_stricter_cause_rule_is_reported(self, kb_copy: Path) -> None:
        """A cause rule that only adds context to a looser rule of the same cause is redundant."""
        _append(
            kb_copy / "causes/queried_financial_account.toml",
            '\n[[rule]]\ngiven = { insurance_type = "employee" }\nwhen = { query_channel = "bank" }\n',
        )
        problem = _find(_lint(kb_copy), "causes/queried_financial_account.toml", "rule[2]", "redundant")
        assert "rule[1]" in problem.message

    def test_identical_warning_rules(self, kb_copy: Path) -> None:
        """Of two identical warning rules, the later one is reported, once."""
        _replace(
            kb_copy / "checks.toml",
            'when = { query_channel = "bank", symptom = "cannot_use" }',
            'when = { query_channel = "bank", symptom = "cannot_use" }\n\n[[warning.rule]]\n'
            'when = { symptom = "cannot_use", query_channel = "bank" }',
        )
        problems = [p for p in _lint(kb_copy) if "redundant" in p.message]
        assert [p.place for p in problems] == ["warning[6] (bank_reading_and_refusal).rule[2]"]

    def test_extra_signal_is_not_redundant(self, kb_copy: Path) -> None:
        """A stricter cause rule with a signal the looser one lacks adds "possible" cases, so it is kept."""
        _append(
            kb_copy / "causes/queried_financial_account.toml",
            '\n[[rule]]\nwhen = { query_channel = "bank", symptom = "always_zero" }\n',
        )
        assert not [p for p in _lint(kb_copy) if "redundant" in p.message]


class TestUnusedFacts:
    def test_fact_no_rule_reads(self, kb_copy: Path) -> None:
        """An input fact that no rule reads any more is reported in facts.toml."""
        _replace(
            kb_copy / "causes/kinship_account_confusion.toml",
            'when = { kinship_binding_only = "yes", viewing_whose = "family_member" }',
            'when = { viewing_whose = "family_member" }',
        )
        problem = _find(_lint(kb_copy), "facts.toml", "fact[5] (kinship_binding_only)", "no rule reads")
        assert problem.file == "facts.toml"


class TestConflicts:
    def test_derived_rules_concluding_two_values(self, kb_copy: Path) -> None:
        """Two rules of a derived fact that can both hold with different values are a conflict."""
        _append(
            kb_copy / "derived.toml",
            '\n[[derived.rule]]\nvalue = "no"\nwhen = { contribution_status = "paying", retired = "yes" }\n'
            'explain = { zh = "测试", en = "test" }\n',
        )
        problem = _find(_lint(kb_copy), "derived.toml", "derived (insured_now).rule[4]", "conflicts with rule[1]")
        assert "contribution_status=paying" in problem.message and "retired=yes" in problem.message


class TestCitations:
    def test_cause_without_sources_or_examples(self, kb: KnowledgeBase) -> None:
        """A cause without sources and with one example (only possible when built leniently) is reported."""
        cause = kb.causes["duplicate_enrollment"]
        broken = dataclasses.replace(cause, sources=(), examples=cause.examples[:1])
        lenient = dataclasses.replace(kb, causes=MappingProxyType({**kb.causes, cause.id: broken}))
        problems = lint(lenient)
        _find(problems, "causes/duplicate_enrollment.toml", "sources", "at least one source")
        _find(problems, "causes/duplicate_enrollment.toml", "example", "at least 2 example cases")

    def test_on_disk_the_loader_reports_them(self, kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """From a directory, a cause without sources already fails to load, and `check` exits 3."""
        path = kb_copy / "causes/duplicate_enrollment.toml"
        text = path.read_text(encoding="utf-8")
        start = text.index("sources = [")
        path.write_text(text[:start] + "sources = []" + text[text.index("]", start) + 1 :], encoding="utf-8")
        assert main(["check", str(kb_copy)]) == 3
        assert "causes/duplicate_enrollment.toml: sources: needs at least 1 item" in capsys.readouterr().out


class TestExamples:
    def test_wrong_expected_status(self, kb_copy: Path) -> None:
        """An example expecting a status the engine does not give is reported with what it got."""
        _replace(
            kb_copy / "causes/resident_insurance_no_account.toml",
            'expect = { resident_insurance_no_account = "confirmed" }',
            'expect = { resident_insurance_no_account = "possible" }',
        )
        place = "example[1] (rural_parent_xinnonghe)"
        problem = _find(_lint(kb_copy), "causes/resident_insurance_no_account.toml", place, "expects")
        assert problem.message == "expects resident_insurance_no_account possible, got confirmed"

    def test_absent_cause_reported(self, kb_copy: Path) -> None:
        """An example that lists a reported cause as absent is reported."""
        _replace(
            kb_copy / "causes/resident_insurance_no_account.toml",
            'absent = ["new_enrollment_not_credited"]',
            'absent = ["resident_insurance_no_account"]',
        )
        place = "example[2] (student_resident_insurance)"
        problem = _find(_lint(kb_copy), "causes/resident_insurance_no_account.toml", place, "absent")
        assert problem.message == "expects resident_insurance_no_account absent, got confirmed"


class TestCheckCommand:
    def test_lint_problems_exit_3(self, kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """`check` on a directory that loads but lints dirty prints each problem and exits 3."""
        _replace(
            kb_copy / "causes/resident_insurance_no_account.toml",
            'expect = { resident_insurance_no_account = "confirmed" }',
            'expect = { resident_insurance_no_account = "possible" }',
        )
        assert main(["check", str(kb_copy)]) == 3
        out = capsys.readouterr().out
        assert (
            "error: causes/resident_insurance_no_account.toml: example[1] (rural_parent_xinnonghe): "
            "expects resident_insurance_no_account possible, got confirmed"
        ) in out
        assert out.rstrip().endswith("1 problem(s) found")
