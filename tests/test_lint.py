"""The knowledge-base linter: clean on the shipped knowledge base, and each check fires on a broken copy."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import pytest

import diagnose
from diagnose.adapters.cli import main
from diagnose.errors import Problem
from diagnose.knowledge.lint import lint
from diagnose.knowledge.model import Condition, KnowledgeBase, Rule, Source


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _lint(path: Path) -> list[Problem]:
    """What `check` reports for a directory: the loader's problems (structural ones included), else the lint's."""
    try:
        kb = diagnose.load_knowledge(path)
    except diagnose.KnowledgeError as exc:
        return list(exc.problems)
    return lint(kb)


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


def _with_cause(kb: KnowledgeBase, cause_id: str, **changes: object) -> KnowledgeBase:
    """A copy of `kb` with one cause changed in memory (for states the loader would refuse to build)."""
    cause = dataclasses.replace(kb.causes[cause_id], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(kb, causes=MappingProxyType({**kb.causes, cause_id: cause}))


class TestUnreachable:
    def test_signal_that_never_holds(self, kb_copy: Path) -> None:
        """A signal whose conditions contradict each other through derived facts is unreachable."""
        _append(
            kb_copy / "causes/duplicate_enrollment.toml",
            (
                '\n[[signal]]\nwhen = { account_exists = "yes", insurance_type = "resident" }\n'
                'weight = "weak"\nreason = "probe"\n'
            ),
        )
        n = len(diagnose.load_knowledge().causes["duplicate_enrollment"].signals) + 1
        _find(_lint(kb_copy), "causes/duplicate_enrollment.toml", f"signal[{n}]", "unreachable")

    def test_cause_that_can_never_be_listed(self, kb: KnowledgeBase) -> None:
        """A defeater that holds whenever a supporting signal does leaves the cause unlisted for every answer."""
        always = Rule("duplicate_enrollment#u9", "duplicate_enrollment", "unless", ())
        problems = lint(_with_cause(kb, "duplicate_enrollment", defeaters=(always,)))
        _find(problems, "causes/duplicate_enrollment.toml", "signal", "can never be listed")

    def test_note_that_never_holds(self, kb_copy: Path) -> None:
        """A note whose only rule can never hold is reported at its place in checks.toml."""
        _replace(
            kb_copy / "checks.toml",
            'when = { withdrawn_or_closed = "death" }',
            'when = { withdrawn_or_closed = "death", insurance_type = "none", insured_now = "yes" }',
        )
        _find(_lint(kb_copy), "checks.toml", "note[5] (inheritance).rule[1]", "unreachable")


class TestSubsumed:
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


class TestUnusedFacts:
    def test_fact_no_rule_reads(self, kb: KnowledgeBase) -> None:
        """An input fact that no rule reads is reported in facts.toml."""
        extra = dataclasses.replace(kb.facts["retired"], id="unused_probe")
        broken = dataclasses.replace(kb, facts=MappingProxyType({**kb.facts, "unused_probe": extra}))
        _find(lint(broken), "facts.toml", f"fact[{len(broken.facts)}] (unused_probe)", "no rule reads")


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


class TestTextAgainstSignals:
    def test_text_names_a_channel_no_signal_reads(self, kb: KnowledgeBase) -> None:
        """A cause whose explanation names 掌上12333 without any signal on that channel is reported."""
        cause = kb.causes["duplicate_enrollment"]
        text = dataclasses.replace(cause.explanation, zh=cause.explanation.zh + "在掌上12333里也看不到。")
        problems = lint(_with_cause(kb, "duplicate_enrollment", explanation=text))
        _find(problems, "causes/duplicate_enrollment.toml", "explanation", "query_channel=hr_app")

    def test_signal_on_a_symptom_the_text_never_names(self, kb: KnowledgeBase) -> None:
        """A supporting signal on a symptom that the cause's title and explanation never mention is reported."""
        cause = kb.causes["duplicate_enrollment"]
        probe = Rule(
            "duplicate_enrollment#s9",
            cause.id,
            "signal",
            (Condition("symptom", frozenset({"cannot_use"})),),
            weight=0.7,
            source=Source("causes/duplicate_enrollment.toml", "signal[9]"),
        )
        problems = lint(_with_cause(kb, cause.id, signals=(*cause.signals, probe)))
        _find(problems, "causes/duplicate_enrollment.toml", "signal[9]", "never mention")


class TestSources:
    def test_on_disk_the_loader_reports_them(self, kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """From a directory, a cause without sources fails to load, and `check` exits 3."""
        path = kb_copy / "causes/duplicate_enrollment.toml"
        text = path.read_text(encoding="utf-8")
        start = text.index("sources = [")
        path.write_text(text[:start] + "sources = []" + text[text.index("]", start) + 1 :], encoding="utf-8")
        assert main(["check", str(kb_copy)]) == 3
        assert "causes/duplicate_enrollment.toml:19: sources: needs at least 1 item" in capsys.readouterr().out


_PROBE = """
[[example]]
name = "lint_probe"
facts = { insurance_type = "resident" }
top = "funds_used_up"
expect = ["funds_used_up"]
absent = ["resident_insurance_no_account"]
"""


class TestExamples:
    def test_each_failed_expectation_is_reported(self, kb_copy: Path) -> None:
        """A wrong first cause, a missing main cause and a listed 'absent' cause are each reported."""
        _append(kb_copy / "causes/resident_insurance_no_account.toml", _PROBE)
        problems = [p for p in _lint(kb_copy) if "lint_probe" in p.place]
        messages = sorted(p.message for p in problems)
        assert len(messages) == 3, messages
        assert messages[0].startswith("expects funds_used_up among the main causes")
        assert messages[1] == "expects funds_used_up first, got resident_insurance_no_account"
        assert messages[2].startswith("expects resident_insurance_no_account not listed, got ")


class TestCheckCommand:
    def test_lint_problems_exit_3(self, kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """`check` on a directory that loads but lints dirty prints each problem and exits 3."""
        _append(kb_copy / "causes/resident_insurance_no_account.toml", _PROBE)
        assert main(["check", str(kb_copy)]) == 3
        out = capsys.readouterr().out
        path = kb_copy / "causes/resident_insurance_no_account.toml"
        line = path.read_text(encoding="utf-8").splitlines().index('name = "lint_probe"')  # the header is above
        assert f"error: causes/resident_insurance_no_account.toml:{line}: example[" in out and "(lint_probe)" in out
        assert out.rstrip().endswith("3 problem(s) found")


class TestLoaderVerdict:
    def test_the_library_refuses_what_check_refuses(self, kb_copy: Path) -> None:
        """A knowledge base with conflicting derived rules does not load: the library and `check` agree."""
        _append(
            kb_copy / "derived.toml",
            '\n[[derived.rule]]\nvalue = "no"\nwhen = { contribution_status = "paying", retired = "yes" }\n'
            'explain = { zh = "测试", en = "test" }\n',
        )
        with pytest.raises(diagnose.KnowledgeError, match="conflicts with rule"):
            diagnose.load_knowledge(kb_copy)

    def test_a_pattern_that_backtracks_is_refused(self, kb_copy: Path) -> None:
        """A prefill pattern with a nested quantifier is refused with its place (it could take seconds)."""
        path = kb_copy / "facts.toml"
        text = path.read_text(encoding="utf-8")
        anchor = "[fact.patterns]\n"
        assert anchor in text
        path.write_text(text.replace(anchor, anchor + 'sms_call = ["(a+)+$"]\n', 1), encoding="utf-8")
        problems = _lint(kb_copy)
        assert any("exponential" in p.message and "patterns.sms_call" in p.place for p in problems), problems
