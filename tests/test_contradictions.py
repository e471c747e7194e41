"""Every contradiction of domain.md §6.1 is flagged, and consistent answers raise no warning."""

from __future__ import annotations

import pytest

import diagnose
from diagnose.knowledge.model import KnowledgeBase

# facts -> the warning they must raise (domain.md §6.1, numbered as there).
CASES = [
    ("1", {"insurance_type": "resident", "family_sharing": "authorized"}, "resident_cannot_give"),
    ("1b", {"insurance_type": "resident", "family_sharing": "quota_reserved"}, "resident_cannot_give"),
    ("2a", {"insurance_type": "resident", "compares_with_pre_reform": "yes"}, "resident_no_account_features"),
    ("2b", {"insurance_type": "resident", "auto_deduction": "yes"}, "resident_no_account_features"),
    ("2c", {"insurance_type": "resident", "annual_cycle_region": "yes"}, "resident_no_account_features"),
    ("2d", {"insurance_type": "resident", "transfer_status": "pending"}, "resident_no_account_features"),
    ("3", {"insurance_type": "none", "pooled_reimbursement_works": "yes"}, "uninsured_but_reimbursed"),
    ("4a", {"contribution_status": "never_paid", "symptom": "went_to_zero"}, "never_paid_but_lost_money"),
    ("4b", {"contribution_status": "never_paid", "symptom": "dropped_suddenly"}, "never_paid_but_lost_money"),
    ("5a", {"recently_enrolled": "yes", "compares_with_pre_reform": "yes"}, "new_but_compared_or_dropped"),
    ("5b", {"recently_enrolled": "yes", "symptom": "dropped_suddenly"}, "new_but_compared_or_dropped"),
    ("6", {"query_channel": "bank", "symptom": "cannot_use"}, "bank_reading_and_refusal"),
    ("7", {"card_status": "not_activated", "own_spending": "yes"}, "card_not_activated_but_used"),
    ("8", {"flexible_tier": "pool_only", "own_spending": "yes"}, "pool_only_but_spent"),
    ("9", {"withdrawn_or_closed": "death", "viewing_whose": "self"}, "death_but_self"),
    ("10", {"contribution_status": "stopped", "pooled_reimbursement_works": "yes"}, "lapsed_but_reimbursed"),
    ("11a", {"retired": "no", "retiree_years_met": "no"}, "retiree_answers_mismatch"),
    (
        "11b",
        {"retired": "yes", "recently_enrolled": "yes", "insurance_type": "employee"},
        "retiree_answers_mismatch",
    ),
    (
        "12",
        {"external_claim": "sms_or_call", "query_channel": "nhsa_app", "symptom": "always_zero"},
        "rumor_cannot_explain_official_zero",
    ),
]


@pytest.mark.parametrize(("facts", "warning"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_contradiction_is_flagged(facts: dict[str, str], warning: str) -> None:
    """The contradictory answers raise the expected warning, which names facts to ask again."""
    result = diagnose.diagnose(facts)
    found = {w.id: w for w in result.warnings}
    assert warning in found
    assert found[warning].check.recheck
    assert found[warning].because  # the answers that clash


def test_every_warning_is_tested(kb: KnowledgeBase) -> None:
    """Each warning in the knowledge base has a case above."""
    assert set(kb.warnings) == {c[2] for c in CASES}


@pytest.mark.parametrize(
    "facts",
    [
        {
            "insurance_type": "employee",
            "contribution_status": "paying",
            "symptom": "went_to_zero",
            "own_spending": "yes",
        },
        {"insurance_type": "resident", "query_channel": "wechat_alipay", "symptom": "always_zero"},
        {"insurance_type": "flexible_employee", "flexible_tier": "pool_only", "symptom": "always_zero"},
        {"retired": "yes", "retiree_years_met": "no", "insurance_type": "employee"},
    ],
)
def test_consistent_answers_raise_no_warning(facts: dict[str, str]) -> None:
    """Ordinary, consistent situations produce no warning."""
    assert diagnose.diagnose(facts).warnings == ()
