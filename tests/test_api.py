"""The library call: input checking, statuses, ranking, the HOW explanation, the fallback and to_dict."""

from __future__ import annotations

import json

import pytest

import diagnose
from diagnose import Diagnosis, InvalidValueError, UnknownFactError


class TestInputErrors:
    def test_unknown_fact_suggests_nearest(self) -> None:
        """A misspelt fact id raises UnknownFactError naming it and the nearest id."""
        with pytest.raises(UnknownFactError) as info:
            diagnose.diagnose({"insurance_typ": "resident"})
        assert info.value.fact == "insurance_typ"
        assert info.value.suggestion == "insurance_type"
        assert "insurance_type" in str(info.value)

    def test_bad_value_lists_allowed(self) -> None:
        """A value outside the vocabulary raises InvalidValueError with the fact, value and allowed values."""
        with pytest.raises(InvalidValueError) as info:
            diagnose.diagnose({"insurance_type": "rural"})
        err = info.value
        assert (err.fact, err.value) == ("insurance_type", "rural")
        assert set(err.allowed) == {"employee", "flexible_employee", "resident", "none"}
        assert "employee" in str(err) and "'rural'" in str(err)

    def test_non_text_value(self) -> None:
        """A value that is not a string is refused with InvalidValueError, not a crash."""
        with pytest.raises(InvalidValueError, match="expected text"):
            diagnose.diagnose({"retired": True})

    def test_derived_fact_is_not_an_answer(self) -> None:
        """Derived facts are inferred; passing one is an error that says so."""
        with pytest.raises(UnknownFactError, match="inferred"):
            diagnose.diagnose({"account_exists": "yes"})

    def test_not_a_mapping(self) -> None:
        """A wrong argument type raises TypeError."""
        with pytest.raises(TypeError):
            diagnose.diagnose(["insurance_type"])  # type: ignore[arg-type]

    def test_errors_share_one_base(self) -> None:
        """Input errors are DiagnoseError subclasses, so a caller can catch one class."""
        with pytest.raises(diagnose.DiagnoseError):
            diagnose.diagnose({"symptom": "gone"})

    def test_region_refuses_identifier_like_text(self) -> None:
        """The free-text region refuses anything that looks like an ID or phone number."""
        with pytest.raises(InvalidValueError, match="never store"):
            diagnose.diagnose({"region": "110101199001011234"})

    def test_none_means_unknown(self) -> None:
        """A None value is the same as leaving the fact out."""
        assert diagnose.diagnose({"insurance_type": "resident", "symptom": None}) == diagnose.diagnose(
            {"insurance_type": "resident"}
        )


class TestEvidence:
    def test_a_defining_signal_settles_it(self) -> None:
        """Checking at an ATM names the financial-account confusion first, as settled."""
        result = diagnose.diagnose({"insurance_type": "employee", "query_channel": "bank"})
        assert result.causes[0].id == "queried_financial_account"
        assert result.causes[0].status == "confirmed"

    def test_unknown_adds_nothing_and_evidence_moves_the_score(self, kb: diagnose.KnowledgeBase) -> None:
        """An unanswered fact leaves every score as it was; a supporting answer raises its cause's score."""
        d = diagnose.Diagnoser(kb, cache_size=0)
        base = {"insurance_type": "employee", "query_channel": "nhsa_app", "symptom": "went_to_zero"}
        before = {c.id: c.score for c in d.diagnose(base).listed}
        assert {c.id: c.score for c in d.diagnose({**base, "own_spending": None}).listed} == before
        after = {c.id: c.score for c in d.diagnose({**base, "own_spending": "yes"}).listed}
        assert after["funds_used_up"] > before.get("funds_used_up", float("-inf"))
        assert d.diagnose({**base, "own_spending": "yes"}).causes[0].id == "funds_used_up"

    def test_every_listed_cause_has_evidence_of_its_own(self, kb: diagnose.KnowledgeBase) -> None:
        """Across every rule example, a listed cause always has a supporting signal, and the HOW of each signal
        names answers that were given (or facts inferred from them)."""
        d = diagnose.Diagnoser(kb)
        for cause in kb.causes.values():
            for example in cause.examples:
                result = d.diagnose(dict(example.facts))
                for listed in result.listed:
                    assert any(e.weight > 0 for e in listed.evidence), (example.name, listed.id)
                    for item in listed.evidence:
                        for reason in item.because:
                            if not reason.derived:
                                assert example.facts[reason.fact] == reason.value

    def test_ranked_by_score_and_levels_follow_probability(self, kb: diagnose.KnowledgeBase) -> None:
        """Listed causes come in falling score order; each level is the highest its probability reaches."""
        result = diagnose.diagnose({"insurance_type": "employee", "symptom": "lower_than_expected", "retired": "yes"})
        scores = [c.score for c in result.listed]
        assert scores == sorted(scores, reverse=True)
        for c in result.listed:
            assert c.status == kb.scale.level(c.probability).id
        assert len(result.causes) <= kb.scale.main and len(result.also) <= kb.scale.also

    def test_how_explains_derived_facts_by_their_rule(self, kb: diagnose.KnowledgeBase) -> None:
        """Where a signal reads a derived fact, HOW names the derived rule and the answers behind it."""
        facts = {
            "insurance_type": "resident",
            "family_sharing": "authorized",
            "query_channel": "bank",
            "symptom": "went_to_zero",
        }
        result = diagnose.diagnose(facts)
        derived = [r for c in (*result.listed,) for e in c.evidence for r in e.because if r.derived]
        assert derived, "some signal of these answers reads a derived fact"
        for reason in derived:
            assert reason.rule is not None and reason.rule.startswith(reason.fact + "#")
            assert reason.because and reason.explain is not None

    def test_fallback_when_nothing_fits(self) -> None:
        """With no evidence for any cause, the diagnosis says so and routes to 12393 and the agency."""
        for facts in ({}, {"region": "杭州"}):
            result = diagnose.diagnose(facts)
            assert result.causes == () and result.also == ()
            assert result.fallback is not None
            assert {c.id for c in result.fallback.contacts} >= {"hotline_12393", "agency"}

    def test_facts_cannot_be_changed_by_a_caller(self) -> None:
        """Results are shared through the cache, so the facts they carry are read-only."""
        result = diagnose.diagnose({"insurance_type": "resident"})
        with pytest.raises(TypeError):
            result.facts["insurance_type"] = "employee"  # type: ignore[index]
        assert diagnose.diagnose({"insurance_type": "resident"}).to_dict()["facts"] == {"insurance_type": "resident"}


class TestToDict:
    def test_json_round_trip_holds_both_languages(self) -> None:
        """to_dict is JSON-serialisable and every cause has id, status and zh/en texts."""
        result = diagnose.diagnose({"insurance_type": "resident", "relative_with_employee_insurance": "yes"})
        data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
        assert isinstance(data["causes"], list) and data["causes"]
        for cause in data["causes"]:
            assert {"id", "status"} <= set(cause)
            assert set(cause["title"]) == {"zh", "en"}
            assert all(set(step) == {"zh", "en"} for step in cause["steps"])
        assert all(set(n["text"]) == {"zh", "en"} for n in data["notes"])

    def test_same_answers_same_result(self, kb: diagnose.KnowledgeBase) -> None:
        """A diagnosis is a pure function of the answers: an uncached run, in another order, gives the same."""
        facts = {"insurance_type": "employee", "symptom": "lower_than_expected", "compares_with_pre_reform": "yes"}
        first: Diagnosis = diagnose.diagnose(facts)
        fresh = diagnose.Diagnoser(kb, cache_size=0).diagnose(dict(reversed(list(facts.items()))))
        assert fresh is not first
        assert fresh == first
