"""The adaptive consultation: asks only what can change the diagnosis, stops early, explains WHY, undoes."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

import diagnose
from diagnose import ConsultationError, InvalidValueError, UnknownFactError
from diagnose.consult.session import Consultation
from diagnose.knowledge.model import Example, KnowledgeBase
from diagnose.render.sections import why_lines

_KB = diagnose.load_knowledge()
EXAMPLES = [ex for cause in _KB.causes.values() for ex in cause.examples]


def consult(persona: Mapping[str, str], told: Mapping[str, str] | None = None) -> tuple[list[str], Consultation]:
    """Answer every question the way `persona` would (不知道 for anything it does not say), after the facts
    `told` in a first message."""
    c = Consultation()
    for fact_id, value in (told or {}).items():
        c.answer(fact_id, value)
    asked: list[str] = []
    while (q := c.next_question()) is not None:
        assert q.id not in asked, f"{q.id} asked twice"
        asked.append(q.id)
        c.answer(q.id, q.answer_from(persona))
        assert len(asked) <= len(_KB.facts)
    return asked, c


class TestScenarios:
    def test_rural_parent_ends_within_two_questions(self) -> None:
        """A 新农合 case is settled after one or two questions."""
        asked, c = consult({"insurance_type": "resident", "symptom": "always_zero"})
        assert 1 <= len(asked) <= 2
        assert c.result().causes[0].id == "resident_insurance_no_account"

    def test_atm_reading_asks_nothing_unrelated(self) -> None:
        """Someone who read the balance at an ATM gets the 金融账户 answer without unrelated questions."""
        asked, c = consult(
            {
                "insurance_type": "employee",
                "query_channel": "bank",
                "symptom": "zero_in_one_channel",
                "own_spending": "no",
                "family_sharing": "none",
            }
        )
        # the bank reading settles it; own spending is the second look domain.md pairs with it (C15, §6.1 #6)
        assert set(asked) <= {"insurance_type", "query_channel", "symptom", "own_spending"}
        assert c.result().causes[0].id == "queried_financial_account"

    def test_a_scam_message_with_an_official_zero_looks_for_a_real_cause(self) -> None:
        """§6.1 #12: a scam text alone cannot explain a 0 seen in the 国家医保服务平台, so after the scam is found
        the consultation still asks about contributions and names the lapse too."""
        asked, c = consult(
            {"insurance_type": "employee", "contribution_status": "stopped"},
            told={"external_claim": "sms_or_call", "query_channel": "nhsa_app"},
        )
        assert "contribution_status" in asked
        ids = [x.id for x in c.result().causes]
        assert {"scam_or_rumor", "contributions_lapsed"} <= set(ids)

    def test_a_scam_message_alone_with_a_bank_reading_needs_no_search(self) -> None:
        """The same text with a 0 read at an ATM is explained by the 金融账户 (C15): no hunt for a real cause."""
        asked, _ = consult({"external_claim": "sms_or_call", "query_channel": "bank", "insurance_type": "employee"})
        assert "contribution_status" not in asked

    def test_a_resident_whose_balance_ran_down_is_asked_about_an_old_employee_account(self) -> None:
        """A resident (C1) whose 0 was not always 0 may still hold an old 职工医保 balance (§6
        prior_employee_account): the symptom is asked, then the old account, and the spending is named."""
        asked, c = consult(
            {
                "insurance_type": "resident",
                "symptom": "went_to_zero",
                "prior_employee_account": "yes",
                "own_spending": "yes",
            }
        )
        assert asked.index("symptom") < asked.index("prior_employee_account")
        assert "funds_used_up" in [x.id for x in c.result().causes]

    def test_a_pool_only_tier_whose_balance_ran_down_is_asked_about_an_old_employee_account(self) -> None:
        """§6.1 #8: a pool-only tier builds no account (C7), so money that was there and went came from an
        earlier employee period: the old account is asked, then the spending, and both causes are named."""
        asked, c = consult(
            {
                "insurance_type": "flexible_employee",
                "flexible_tier": "pool_only",
                "symptom": "went_to_zero",
                "prior_employee_account": "yes",
                "own_spending": "yes",
            }
        )
        assert asked.index("prior_employee_account") < asked.index("own_spending")
        assert {"flexible_employment_no_account", "funds_used_up"} <= {x.id for x in c.result().causes}

    def test_a_new_enrolment_is_asked_about_a_transfer(self) -> None:
        """C5 settles a new account's 0, but a new job often follows a move (C9, §6 suggested order 5): the
        transfer is asked before stopping, and an old balance left behind is named too."""
        _, c = consult(
            {
                "insurance_type": "employee",
                "symptom": "always_zero",
                "recently_enrolled": "yes",
                "transfer_status": "not_applied",
            }
        )
        assert c.answers.get("transfer_status") == "not_applied"  # found, by its question or on the checklist
        assert {"new_enrollment_not_credited", "transfer_pending"} <= {x.id for x in c.result().causes}

    def test_a_resident_whose_balance_went_is_asked_about_a_duplicate_record(self) -> None:
        """C21: after a duplicate-enrolment clean-up the record left active may be the resident one (C1): a
        resident whose balance was there and went is asked about the record, and both causes are named."""
        asked, c = consult(
            {"insurance_type": "resident", "symptom": "went_to_zero", "identity_issue": "duplicate_enrollment"}
        )
        assert "situations" in asked and c.answers.get("identity_issue") == "duplicate_enrollment"  # on the checklist
        assert {"resident_insurance_no_account", "duplicate_enrollment"} <= {x.id for x in c.result().causes}

    def test_someone_who_only_read_a_rumour_is_asked_about_it(self) -> None:
        """Someone who read online that accounts will be abolished saw no balance anywhere, so their 不知道 to
        where they saw it says little against a rumour (C24): they are asked about the message (on the checklist)
        and told it is a rumour."""
        asked, c = consult({"external_claim": "social_media_rumor"})
        assert c.answers.get("external_claim") == "social_media_rumor" and len(asked) <= 8
        assert c.result().causes[0].id == "scam_or_rumor"

    def test_delivery_rider_on_cheapest_tier(self) -> None:
        """A flexible worker on the pool-only tier is told the tier builds no account."""
        asked, c = consult(
            {"insurance_type": "flexible_employee", "flexible_tier": "pool_only", "symptom": "always_zero"}
        )
        assert c.result().causes[0].id == "flexible_employment_no_account"
        assert len(asked) <= 6  # insurance, channel, whose account, the checklist, tier, an earlier 职工医保

    def test_spouse_used_family_sharing(self) -> None:
        """Someone whose spouse spent the money through 家庭共济 is told so first."""
        persona = {
            "insurance_type": "employee",
            "query_channel": "nhsa_app",
            "symptom": "went_to_zero",
            "family_sharing": "authorized",
            "own_spending": "no",
            "contribution_status": "paying",
            "auto_deduction": "no",
        }
        _, c = consult(persona)
        assert c.result().causes[0].id == "family_sharing_spent"

    def test_retiree_is_not_asked_about_contributions(self) -> None:
        """A retiree does not pay contributions (domain.md §6 notes): the question is never put to them, and
        a retiree whose years are met is never told to resume paying."""
        persona = {
            "retired": "yes",
            "retiree_years_met": "yes",
            "insurance_type": "employee",
            "symptom": "lower_than_expected",
        }
        asked, c = consult(persona)
        assert "contribution_status" not in asked
        assert "contributions_lapsed" not in {x.id for x in c.result().listed}
        stopped = diagnose.diagnose({**persona, "contribution_status": "stopped"})
        assert "contributions_lapsed" not in {x.id for x in stopped.listed}


def _scores(facts: Mapping[str, str | None]) -> dict[str, float]:
    return {c.id: c.score for c in diagnose.diagnose(facts).listed}


@pytest.mark.parametrize("example", EXAMPLES, ids=[ex.name for ex in EXAMPLES])
def test_every_question_asked_could_change_the_result(example: Example) -> None:
    """At each step, some answer to the question asked moves some cause (or raises a warning), unless it is
    asked to decide whether the next question applies to this person (`skip_if`)."""
    c = Consultation()
    deciders = {cond.fact for f in _KB.facts.values() for cond in f.skip_if}
    while (q := c.next_question()) is not None:
        known = {k: v for k, v in c.answers.items() if v is not None}
        before = c.diagnoser.planner.scores(known)
        if q.multiple:  # a checklist: each option stands for its fact's values
            ways = [(o.fact, v) for o in map(q.fact.option, q.allowed) for v in o.values]  # type: ignore[union-attr]
        else:
            ways = [(q.id, v) for v in q.allowed]
        moves = any(c.diagnoser.planner.scores({**known, f: v}) != before for f, v in ways)
        assert moves or q.id in deciders, f"{q.id} cannot change the result"
        c.answer(q.id, q.answer_from(example.facts))
    assert c.result() == diagnose.diagnose(c.answers)


@pytest.mark.parametrize("example", EXAMPLES, ids=[ex.name for ex in EXAMPLES])
def test_planner_agrees_with_engine(example: Example, kb: KnowledgeBase) -> None:
    """The question planner's view of each cause matches the experta engine's diagnosis."""
    c = Consultation()
    snapshot = c.diagnoser.planner.snapshot(dict(example.facts))
    result = diagnose.diagnose(dict(example.facts))
    assert snapshot.signature() == result.signature()
    scores = c.diagnoser.planner.scores(dict(example.facts))  # the planner's fast path: the same scores
    for cause in result.listed:
        assert scores[cause.id] == cause.score
    ranking = snapshot.ranking.scores
    assert scores == {k: (None if s.defeated_by is not None else s.score) for k, s in ranking.items()}


class TestControls:
    def test_undo_takes_back_the_last_answer(self) -> None:
        """undo() removes the last answer and the same question comes back."""
        c = Consultation()
        first = c.next_question()
        assert first is not None
        c.answer(first.id, first.allowed[0])
        assert c.undo() == first.id
        assert c.answers == {}
        assert c.next_question() == first

    def test_undo_with_nothing_answered(self) -> None:
        """undo() before any answer raises ConsultationError."""
        with pytest.raises(ConsultationError):
            Consultation().undo()

    def test_dont_know_is_not_asked_again(self) -> None:
        """A question answered 不知道 is not asked again."""
        c = Consultation()
        q = c.next_question()
        assert q is not None
        c.answer(q.id, None)
        assert c.next_question() != q

    def test_bad_answers_raise_package_errors(self) -> None:
        """Unknown fact ids and values raise the core's errors."""
        c = Consultation()
        with pytest.raises(UnknownFactError):
            c.answer("insurance", "resident")
        with pytest.raises(InvalidValueError):
            c.answer("insurance_type", "maybe")

    def test_why_names_what_each_answer_decides(self) -> None:
        """WHY for the insurance question says that 'resident' confirms the no-account cause."""
        why = Consultation().why("insurance_type")
        effects = {e.value: e for e in why.effects}
        assert "resident_insurance_no_account" in effects["resident"].confirms
        assert "resident_insurance_no_account" not in effects["employee"].confirms + effects["employee"].raises
        lines = why_lines(why, "zh", {k: c.title for k, c in _KB.causes.items()})
        assert any("城乡居民医保不设个人账户" in line for line in lines)


class TestStopping:
    def test_second_cause_after_a_bank_reading(self) -> None:
        """A bank reading settles the ATM figure, but before stopping the consultation looks for a real shortfall
        too (domain.md C15, §6.1 #6): own spending is asked and both causes are reported."""
        persona = {
            "insurance_type": "employee",
            "query_channel": "bank",
            "symptom": "went_to_zero",
            "own_spending": "yes",
        }
        asked, c = consult(persona)
        assert "own_spending" in asked
        listed = [x.id for x in c.result().listed]
        assert listed[0] == "queried_financial_account" and "funds_used_up" in listed

    def test_a_real_shortfall_beside_a_bank_reading_is_looked_for_by_value(self) -> None:
        """When the balance at the bank went down, the 金融账户 (C15) does not end the search: the planner sets it
        beside and goes on choosing questions for a second cause, so a deduction the person knows of is found."""
        persona = {
            "insurance_type": "employee",
            "query_channel": "bank",
            "symptom": "dropped_suddenly",
            "auto_deduction": "yes",
        }
        asked, c = consult(persona)
        assert c.answers.get("auto_deduction") == "yes" and len(asked) <= _KB.scale.max_questions  # on the checklist
        listed = [x.id for x in c.result().listed[:3]]
        assert {"queried_financial_account", "auto_deduction"} <= set(listed)

    def test_an_atm_zero_that_was_always_zero_needs_no_hunt(self) -> None:
        """The same bank reading with a 0 that was always 0 is explained by C15 alone: no search beside it."""
        asked, c = consult({"insurance_type": "employee", "query_channel": "bank", "symptom": "always_zero"})
        assert "auto_deduction" not in asked and "contribution_status" not in asked
        assert c.result().causes[0].id == "queried_financial_account"

    def test_a_resident_who_does_not_know_the_symptom_is_checked_for_kinship_and_scams(self) -> None:
        """§6 order 1: a resident stops at C1 except when checking for C17 or C24. Unless the person says the 0 was
        always 0, whose account it is and whether a message said so are asked, and a 亲情账户 is found."""
        persona = {"insurance_type": "resident", "viewing_whose": "family_member", "kinship_binding_only": "yes"}
        asked, c = consult(persona)
        assert "viewing_whose" in asked and "situations" in asked  # the checklist carries the message and the binding
        assert c.answers.get("kinship_binding_only") == "yes" and "external_claim" in c.answers
        listed = [x.id for x in c.result().listed[:3]]
        assert {"resident_insurance_no_account", "kinship_account_confusion"} <= set(listed)
        always, _ = consult({"insurance_type": "resident", "symptom": "always_zero"})
        assert "external_claim" not in always and "viewing_whose" not in always

    def test_a_scam_search_ends_once_a_real_cause_is_found(self) -> None:
        """A scam message with a 0 in the national app looks for a real cause (§6.1 #12); once the answers settle
        one (here 居民医保, C1), the commonest other causes are not hunted through."""
        asked, c = consult(
            {"insurance_type": "resident"}, told={"external_claim": "sms_or_call", "query_channel": "nhsa_app"}
        )
        assert "insurance_type" in asked and "contribution_status" not in asked and "own_spending" not in asked
        assert {"resident_insurance_no_account", "scam_or_rumor"} <= {x.id for x in c.result().listed[:3]}

    def test_contradiction_is_asked_again_once(self) -> None:
        """An answer that contradicts an earlier one brings the earlier question back, in plain words, once."""
        c = Consultation()
        c.answer("insurance_type", "resident")
        c.answer("family_sharing", "authorized")
        q = c.next_question()
        assert q is not None and q.id == "insurance_type" and q.reask is not None
        assert q.text.zh.startswith("您前面说") and "对不上" in q.text.zh and "城乡居民医保" in q.text.zh
        c.answer(q.id, "resident")  # the person keeps the first answer: the warning stays, it is not asked again
        again = c.next_question()
        assert again is None or again.reask is None
        assert "resident_cannot_give" in {w.id for w in c.result().warnings}

    def test_correcting_the_earlier_answer_clears_the_warning(self) -> None:
        c = Consultation()
        c.answer("insurance_type", "resident")
        c.answer("family_sharing", "authorized")
        q = c.next_question()
        assert q is not None and q.reask is not None
        c.answer(q.id, "employee")
        assert not c.result().warnings
        assert c.result().causes[0].id == "family_sharing_spent"

    def test_a_question_put_off_comes_back_at_the_end(self) -> None:
        """'我去查一下' puts the question off; it is asked again before stopping if it still matters, and the
        deferral survives a saved state."""
        c = Consultation()
        c.answer("insurance_type", "employee")
        c.answer("query_channel", "nhsa_app")
        c.answer("viewing_whose", "self")
        c.answer("situations", [])
        q = c.next_question()
        assert q is not None
        reply = c.answer_text("我去查一下")
        assert reply.kind == "later" and c.answers.get(q.id, "unset") == "unset"
        restored = Consultation.from_dict(c.to_dict())
        seen = []
        while (nxt := restored.next_question()) is not None:
            seen.append(nxt.id)
            restored.answer(nxt.id, None)
        assert (q.id in seen and seen.index(q.id) == len(seen) - 1) or q.id not in seen

    def test_the_cap_and_force(self, kb: KnowledgeBase) -> None:
        """Someone who knows nothing is asked at most max_questions questions; force=True still offers more."""
        asked, c = consult({})
        assert len(asked) <= kb.scale.max_questions
        assert c.should_stop and c.stop_reason in {"cap", "settled", "no_evidence"}
        if c.stop_reason == "cap":
            extra = c.next_question(force=True)
            assert extra is not None and extra.id not in asked

    def test_should_stop_says_why(self) -> None:
        """A settled case stops with reason 'settled'; a fresh one does not stop."""
        c = Consultation()
        assert not c.should_stop and c.stop_reason is None
        c.answer("insurance_type", "resident")
        c.answer("viewing_whose", "self")
        c.answer("external_claim", "none")
        assert not c.should_stop  # a resident's symptom decides whether a second cause is possible
        c.answer("symptom", "always_zero")
        assert c.should_stop and c.stop_reason == "settled"
        assert c.next_question() is None


def test_texts_say_whom_they_mean_once_known() -> None:
    """Once the person says whose account it is, questions and the result drop "您（或您要查的家人）"."""
    from diagnose.render.sections import sections

    for whose, subject in (("self", "您参加"), ("family_member", "您家人参加")):
        c = Consultation()
        c.answer("viewing_whose", whose)
        q = c.next_question()
        assert q is not None and q.id == "insurance_type"
        assert q.text.zh.startswith(subject) and "您要查的家人" not in q.text.zh
        c.answer("insurance_type", "resident")
        shown = [x.text for x in sections(c.result(), "zh", c.kb.replies)]
        assert not any("或您要查的家人" in t for t in shown)
    assert "或您要查的家人" in Consultation().next_question().text.zh  # not known yet: still hedged


def test_every_hedged_text_is_said_plainly_in_both_languages(kb: KnowledgeBase) -> None:
    """Every question and cause text that hedges "you (or the relative)" loses the hedge, in zh and en, once whose
    account it is is known, and the English verb agrees with the relative ("Has your relative", "Your relative is")."""
    hedges = ("或您要查的家人", "(or the relative", "(or your relative")
    texts = [f.question for f in kb.facts.values() if f.question is not None]
    texts += [c.explanation for c in kb.causes.values()]
    texts += [t for c in kb.checklists.values() for t in (c.question, *(o.label for o in c.options))]
    hedged = [t for t in texts if any(h in t.zh or h in t.en for h in hedges)]
    assert len(hedged) >= 10  # the knowledge base does hedge, so this test checks something
    for whose in ("self", "family_member"):
        for text in hedged:
            said = kb.replies.personal(text, whose)
            assert not any(h in said.zh or h in said.en for h in hedges), (whose, said.en)
    retired = kb.replies.personal(kb.facts["retired"].question, "family_member")
    assert retired.en.startswith("Has your relative") and retired.zh.startswith("您家人")
    resident = kb.replies.personal(kb.causes["resident_insurance_no_account"].explanation, "family_member")
    assert resident.en.startswith("Your relative is on")
    spent = kb.replies.personal(kb.causes["funds_used_up"].title, "family_member")  # the one-line "also" title
    assert "您家人自己" in spent.zh and "your relative's own" in spent.en


def test_left_open_names_what_would_settle_a_capped_consultation() -> None:
    """At the cap after only 不知道, the questions left open are the ones worth finding out, 不知道 ones included;
    an answered fact is never among them."""
    c = Consultation()
    while (q := c.next_question()) is not None:
        c.answer(q.id, None)
    assert c.stop_reason == "cap"
    left = [q.id for q in c.left_open]
    assert 1 <= len(left) <= 3 and "insurance_type" in left
    c2 = Consultation()
    c2.answer("insurance_type", "employee")
    assert "insurance_type" not in [q.id for q in c2.left_open]
