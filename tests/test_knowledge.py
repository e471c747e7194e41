"""Loading the knowledge base: one schema, errors that name the file and the place, nearest-id hints."""

from __future__ import annotations

from pathlib import Path

import pytest

import diagnose
from diagnose import KnowledgeError


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class TestLoad:
    def test_shipped_knowledge_loads(self) -> None:
        """The shipped knowledge base loads without problems."""
        kb = diagnose.load_knowledge()
        assert kb.version and kb.facts and kb.causes and kb.warnings and kb.notes

    def test_unknown_fact_in_rule_names_file_place_and_nearest(self, kb_copy: Path) -> None:
        """A misspelt fact id in a rule is reported with its file, its place and the nearest id."""
        _replace(
            kb_copy / "causes/resident_insurance_no_account.toml", "when = { insurance_type", "when = { insurance_typ"
        )
        with pytest.raises(KnowledgeError) as info:
            diagnose.load_knowledge(kb_copy)
        problem = info.value.problems[0]
        assert problem.file == "causes/resident_insurance_no_account.toml"
        assert problem.place == "signal[1].when.insurance_typ"
        assert "did you mean 'insurance_type'" in problem.message

    def test_unknown_value_suggests_nearest(self, kb_copy: Path) -> None:
        """A misspelt value is reported with the nearest allowed value."""
        _replace(
            kb_copy / "causes/resident_insurance_no_account.toml",
            'insurance_type = "resident" }\n',
            'insurance_type = "residnt" }\n',
        )
        with pytest.raises(KnowledgeError, match="did you mean 'resident'"):
            diagnose.load_knowledge(kb_copy)

    def test_missing_english_text(self, kb_copy: Path) -> None:
        """A text without its English half is a schema error at that place."""
        path = kb_copy / "causes/resident_insurance_no_account.toml"
        text = path.read_text(encoding="utf-8")
        start = text.index("title = { zh = ")
        end = text.index("\n", start)
        path.write_text(text[:start] + 'title = { zh = "只有中文" }' + text[end:], encoding="utf-8")
        with pytest.raises(KnowledgeError) as info:
            diagnose.load_knowledge(kb_copy)
        assert any(p.place == "title.en" and "missing" in p.message for p in info.value.problems)

    def test_unknown_key_suggests_nearest(self, kb_copy: Path) -> None:
        """An unknown key in a file is reported with the nearest known key."""
        _replace(kb_copy / "causes/resident_insurance_no_account.toml", "prior_reason =", "prior_reasn =")
        with pytest.raises(KnowledgeError) as info:
            diagnose.load_knowledge(kb_copy)
        assert any(p.place == "prior_reasn" and "did you mean 'prior_reason'" in p.message for p in info.value.problems)

    def test_a_second_look_names_only_known_causes_and_values(self, kb_copy: Path) -> None:
        """A second look's `beside` cause and `unless` value are cross-checked like a rule's, with the nearest."""
        evidence = kb_copy / "evidence.toml"
        _replace(evidence, 'beside = ["queried_financial_account"]', 'beside = ["queried_financial"]')
        _replace(evidence, 'unless = { symptom = "always_zero" }', 'unless = { symptom = "always_zer" }')
        with pytest.raises(KnowledgeError) as info:
            diagnose.load_knowledge(kb_copy)
        messages = {p.place: p.message for p in info.value.problems if p.file == "evidence.toml"}
        beside = next(place for place in messages if place.endswith(".beside[1]"))
        assert "did you mean 'queried_financial_account'" in messages[beside]
        unless = next(place for place in messages if place.endswith(".unless.symptom"))
        assert "did you mean 'always_zero'" in messages[unless]

    def test_bad_toml_names_the_file(self, kb_copy: Path) -> None:
        """A file that is not valid TOML is reported by name."""
        (kb_copy / "channels.toml").write_text("[[channel]\n", encoding="utf-8")
        with pytest.raises(KnowledgeError, match=r"channels\.toml: not valid TOML"):
            diagnose.load_knowledge(kb_copy)

    def test_unknown_channel(self, kb_copy: Path) -> None:
        """A cause that names a channel nobody defined is reported with the nearest channel."""
        _replace(kb_copy / "causes/resident_insurance_no_account.toml", '"hotline_12393"', '"hotline_1239"')
        with pytest.raises(KnowledgeError, match="hotline_12393"):
            diagnose.load_knowledge(kb_copy)

    def test_regional_cause_needs_a_regional_note(self, kb_copy: Path) -> None:
        """A regional cause without a note saying it depends on 参保地 is refused."""
        _replace(
            kb_copy / "causes/resident_insurance_no_account.toml", 'confidence = "solid"', 'confidence = "regional"'
        )
        with pytest.raises(KnowledgeError, match="regional_note"):
            diagnose.load_knowledge(kb_copy)

    def test_derived_cycle_is_refused(self, kb_copy: Path) -> None:
        """Derived facts whose rules depend on themselves are reported as a cycle."""
        _replace(
            kb_copy / "derived.toml", 'when = { insurance_type = "employee" }', 'when = { real_shortfall = "yes" }'
        )
        with pytest.raises(KnowledgeError, match="cycle"):
            diagnose.load_knowledge(kb_copy)

    def test_every_problem_reported_at_once(self, kb_copy: Path) -> None:
        """Two broken files give two problems in one error."""
        _replace(kb_copy / "causes/resident_insurance_no_account.toml", "prior_reason =", "prior_reasn =")
        _replace(kb_copy / "channels.toml", 'id = "bank"', 'id = "Bank!"')
        with pytest.raises(KnowledgeError) as info:
            diagnose.load_knowledge(kb_copy)
        files = {p.file for p in info.value.problems}
        assert {"channels.toml", "causes/resident_insurance_no_account.toml"} <= files

    def test_missing_directory(self, tmp_path: Path) -> None:
        """A knowledge directory that does not exist is a KnowledgeError, not an OSError."""
        with pytest.raises(KnowledgeError, match="not found"):
            diagnose.load_knowledge(tmp_path / "nowhere")

    def test_bad_pattern_is_refused(self, kb_copy: Path) -> None:
        """A prefill pattern that is not a valid regular expression is reported at its place."""
        _replace(kb_copy / "facts.toml", 'paid_family_premium = ["(个人账户', 'paid_family_premium = ["((个人账户')
        with pytest.raises(KnowledgeError) as info:
            diagnose.load_knowledge(kb_copy)
        assert any(
            "patterns.paid_family_premium[1]" in p.place and "regular expression" in p.message
            for p in info.value.problems
        )
