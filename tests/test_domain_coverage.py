"""The knowledge base covers exactly the public contract of domain.md: 27 facts, 24 causes, their values."""

from __future__ import annotations

from diagnose.knowledge.model import KnowledgeBase

FACTS = {
    "insurance_type": {"employee", "flexible_employee", "resident", "none"},
    "flexible_tier": {"with_account", "pool_only"},
    "retired": {"yes", "no"},
    "retiree_years_met": {"yes", "no"},
    "contribution_status": {"paying", "never_paid", "employer_arrears", "debit_failed", "stopped"},
    "prior_employee_account": {"yes", "no"},
    "recently_enrolled": {"yes", "no"},
    "transfer_status": {"none", "not_applied", "pending", "completed"},
    "symptom": {
        "always_zero",
        "went_to_zero",
        "dropped_suddenly",
        "lower_than_expected",
        "zero_in_one_channel",
        "cannot_use",
        "cannot_see",
    },
    "query_channel": {
        "bank",
        "nhsa_app",
        "wechat_alipay",
        "local_app",
        "hr_app",
        "pharmacy_hospital",
        "sms_call",
    },
    "own_spending": {"yes", "no"},
    "family_sharing": {"none", "authorized", "paid_family_premium", "quota_reserved", "receiver"},
    "kinship_binding_only": {"yes", "no"},
    "viewing_whose": {"self", "family_member"},
    "relative_with_employee_insurance": {"yes", "no"},
    "card_status": {"activated", "not_activated", "new_card_pending", "evoucher_not_activated"},
    "identity_issue": {"none", "id_or_name_changed", "wrong_region_record", "duplicate_enrollment"},
    "platform_event": {"none", "recent_migration"},
    "auto_deduction": {"yes", "no"},
    "withdrawn_or_closed": {"none", "cash_withdrawal", "death", "emigration"},
    "external_claim": {"none", "sms_or_call", "social_media_rumor"},
    "suspension": {"none", "settlement_suspended", "password_locked"},
    "pooled_reimbursement_works": {"yes", "no"},
    "compares_with_pre_reform": {"yes", "no"},
    "annual_cycle_region": {"yes", "no"},
    "use_location": {"home", "other_city_same_province", "other_province"},
    "region": set(),  # free text
}

CAUSES = {
    "resident_insurance_no_account",
    "flexible_employment_no_account",
    "contributions_not_paid",
    "contributions_lapsed",
    "new_enrollment_not_credited",
    "reform_reduced_credit",
    "retiree_years_short",
    "annual_cycle_timing",
    "transfer_pending",
    "funds_used_up",
    "family_sharing_spent",
    "family_wallet_reserved",
    "auto_deduction",
    "account_closed_or_withdrawn",
    "queried_financial_account",
    "card_not_activated",
    "kinship_account_confusion",
    "display_incomplete",
    "info_mismatch",
    "duplicate_enrollment",
    "account_frozen",
    "platform_migration_reset",
    "offsite_use_restricted",
    "scam_or_rumor",
}


def test_facts_and_values_match_domain(kb: KnowledgeBase) -> None:
    """The 27 fact ids and their value ids are exactly those of domain.md §6."""
    assert {f: set(kb.facts[f].allowed) for f in kb.facts} == FACTS


def test_causes_match_domain(kb: KnowledgeBase) -> None:
    """The cause ids are exactly the 24 of domain.md §3."""
    assert set(kb.causes) == CAUSES


def test_regional_causes_say_so(kb: KnowledgeBase) -> None:
    """Every regional cause carries a note that the rule depends on where the person is insured."""
    for cause in kb.causes.values():
        if cause.confidence == "regional":
            assert cause.regional_note is not None and "参保地" in cause.regional_note.zh, cause.id


def test_no_seed_errors_in_routing(kb: KnowledgeBase) -> None:
    """Medical-insurance questions go to 12393: every cause that lists 12333 also lists 12393 or the bank, and
    12333 is only ever for card (社保卡) or labour matters (domain.md §7 E3)."""
    for cause in kb.causes.values():
        ids = [c.id for c in cause.contacts]
        if "hotline_12333" in ids:
            assert cause.id in {"card_not_activated", "account_frozen", "contributions_not_paid"}, cause.id


def test_every_cause_cites_a_source_and_no_content_farm(kb: KnowledgeBase) -> None:
    """Each cause cites at least one source, and none is one of the content farms domain.md warns about."""
    farms = ("jiusongjiankang", "fengdujob", "hunanyuer", "vbgudu", "yzzsnet", "kuyiso", "jxyuer")
    for cause in kb.causes.values():
        assert cause.sources, cause.id
        for source in cause.sources:
            assert not any(f in source for f in farms), (cause.id, source)
