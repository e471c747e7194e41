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


class TestStatuses:
    def test_confirmed_when_all_conditions_hold(self) -> None:
        """Checking at an ATM confirms the financial-account confusion."""
        result = diagnose.diagnose({"insurance_type": "employee", "query_channel": "bank"})
        assert result.causes[0].id == "queried_financial_account"
        assert result.causes[0].status == "confirmed"

    def test_possible_when_evidence_but_facts_unknown(self) -> None:
        """Went-to-zero without knowing who spent it keeps spending causes possible, with what is unknown."""
        result = diagnose.diagnose({"insurance_type": "employee", "query_channel": "nhsa_app", "symptom": "went_to_zero"})
        statuses = {c.id: c for c in result.causes}
        assert statuses["funds_used_up"].status == "possible"
        assert "own_spending" in statuses["funds_used_up"].unknown

    def test_confirmed_ranked_before_possible(self) -> None:
        """Confirmed causes always come before possible ones."""
        result = diagnose.diagnose(
            {"insurance_type": "employee", "query_channel": "nhsa_app", "symptom": "went_to_zero", "own_spending": "yes"}
        )
        ranks = [c.status for c in result.causes]
        assert ranks == sorted(ranks, key=lambda s: s != "confirmed")
        assert result.causes[0].id == "funds_used_up"

    def test_how_explanation_chains_through_derived_facts(self) -> None:
        """A balance cause is explained through 'real shortfall', itself explained by account and channel."""
        result = diagnose.diagnose(
            {"insurance_type": "employee", "query_channel": "nhsa_app", "symptom": "went_to_zero", "own_spending": "yes"}
        )
        cause = next(c for c in result.causes if c.id == "funds_used_up")
        derived = [r for r in cause.because if r.derived]
        assert derived and derived[0].fact == "real_shortfall"
        inner = {r.fact for r in derived[0].because}
        assert {"account_exists", "official_reading", "symptom"} <= inner
        account = next(r for r in derived[0].because if r.fact == "account_exists")
        assert [(r.fact, r.value) for r in account.because] == [("insurance_type", "employee")]

    def test_fallback_when_nothing_fits(self) -> None:
        """With nothing that fits, the diagnosis says so and routes to 12393 and the agency."""
        result = diagnose.diagnose({"insurance_type": "employee", "symptom": "zero_in_one_channel", "query_channel": "pharmacy_hospital", "annual_cycle_region": "no"})
        if result.causes:
            pytest.skip("a cause fits these answers")
        assert result.fallback is not None
        assert {c.id for c in result.fallback.contacts} >= {"hotline_12393", "agency"}

    def test_empty_answers_still_answer(self) -> None:
        """No answers at all still gives a non-empty diagnosis (the fallback)."""
        result = diagnose.diagnose({})
        assert result.causes or result.fallback is not None


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

    def test_same_answers_same_result(self) -> None:
        """A diagnosis is a pure function of the answers."""
        facts = {"insurance_type": "employee", "symptom": "lower_than_expected", "compares_with_pre_reform": "yes"}
        first: Diagnosis = diagnose.diagnose(facts)
        assert diagnose.diagnose(dict(reversed(list(facts.items())))) == first
