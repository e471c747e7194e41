"""The planner: a belief that counts 不知道 against a cause whose own fact it is, and the value of a question."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

import diagnose
from diagnose.consult.planner import Planner
from diagnose.knowledge.model import KnowledgeBase


@pytest.fixture(scope="module")
def planner(kb: KnowledgeBase) -> Planner:
    """The planner of the shipped knowledge base."""
    return Planner(kb)


def _cause_reading(kb: KnowledgeBase, weight: str) -> tuple[str, str]:
    """A (cause, input fact) pair where a signal of exactly this weight names the fact itself."""
    w = kb.scale.weights[weight]
    for cause in kb.causes.values():
        for rule in cause.signals:
            if rule.weight == w:
                for cond in rule.when:
                    if cond.fact in kb.facts:
                        return cause.id, cond.fact
    raise AssertionError(f"no signal of weight {weight}")


class TestOwnFacts:
    def test_a_signal_names_the_facts_of_its_cause(self, kb: KnowledgeBase, planner: Planner) -> None:
        """The fact a decisive signal names gets the decisive 不知道 ratio of evidence.toml."""
        cause, fact = _cause_reading(kb, "decisive")
        assert planner.own_facts[cause][fact] == kb.scale.own_ratio(kb.scale.weights["decisive"])
        assert planner.own_facts[cause][fact] < 1.0

    def test_derived_inputs_are_not_own_facts(self, kb: KnowledgeBase, planner: Planner) -> None:
        """A signal on a derived fact does not make that fact's inputs (the insurance type) a cause's own."""
        for cause in kb.causes.values():
            named = {c.fact for r in cause.signals for c in r.when if c.fact in kb.facts}
            assert set(planner.own_facts[cause.id]) <= named

    def test_dont_know_counts_against_the_cause_whose_fact_it_is(self, kb: KnowledgeBase, planner: Planner) -> None:
        """不知道 about a cause's decisive fact lowers that cause's share of the belief, by the data's ratio."""
        cause, fact = _cause_reading(kb, "decisive")
        before = planner.belief({})
        after = planner.belief({fact: None})
        others = [c for c in before if fact not in planner.own_facts[c]]
        ratio = (after[cause] / after[others[0]]) / (before[cause] / before[others[0]])
        assert math.isclose(ratio, planner.own_facts[cause][fact])

    def test_dont_know_never_moves_the_shown_ranking(self, planner: Planner) -> None:
        """The diagnosis shown reads only known answers: 不知道 answers leave the snapshot as it was."""
        answers: dict[str, str | None] = {"insurance_type": "employee", "own_spending": None, "transfer_status": None}
        assert planner.snapshot(answers) == planner.snapshot({"insurance_type": "employee"})


class TestValue:
    def test_outcomes_are_a_distribution(self, kb: KnowledgeBase, planner: Planner) -> None:
        """The outcomes of a question (its answers and 不知道) have probabilities that sum to 1."""
        for fact_id in ("insurance_type", "symptom", "transfer_status"):
            outcomes = planner._outcomes(frozenset({("query_channel", "nhsa_app")}), fact_id)
            assert math.isclose(math.fsum(p for _, p, _ in outcomes), 1.0)
            assert {v for v, _, _ in outcomes} <= {*kb.facts[fact_id].allowed, None}

    def test_a_question_everyone_cannot_answer_is_worth_less(self, kb_copy: Path) -> None:
        """Where 不知道 says nothing about the cause, raising a fact's dont_know lowers the value of asking it."""
        evidence = kb_copy / "evidence.toml"
        text = evidence.read_text(encoding="utf-8")
        neutral = "own_fact_dont_know = { decisive = 1.0, strong = 1.0, moderate = 1.0 }"
        evidence.write_text(
            text.replace("own_fact_dont_know = { decisive = 0.1, strong = 0.3, moderate = 0.6 }", neutral),
            encoding="utf-8",
        )
        base = Planner(diagnose.load_knowledge(kb_copy))
        assert all(not own for own in base.own_facts.values())
        text = (kb_copy / "facts.toml").read_text(encoding="utf-8")
        (kb_copy / "facts.toml").write_text(
            text.replace("dont_know = 0.15   # how often people cannot answer: a move", "dont_know = 0.9   # a move"),
            encoding="utf-8",
        )
        vague = Planner(diagnose.load_knowledge(kb_copy))
        assert vague.kb.facts["transfer_status"].dont_know == 0.9
        assert vague.value({}, "transfer_status") < base.value({}, "transfer_status")

    def test_dont_know_from_the_affected_is_evidence(self, planner: Planner) -> None:
        """Under a cause whose own fact it is, 不知道 is rarer: asking it separates that cause even when few know."""
        outcomes = {v: post for v, _, post in planner._outcomes(frozenset(), "withdrawn_or_closed")}
        prior = planner.belief({})
        assert outcomes[None]["account_closed_or_withdrawn"] < prior["account_closed_or_withdrawn"]

    def test_dont_know_about_one_way_a_cause_shows_counts_only_for_that_way(self, planner: Planner) -> None:
        """A scam shows as a text or call that showed a 0 (query_channel=sms_call) or as a message or rumour
        (external_claim), two strong signals: 不知道 about either counts against it half as much as a cause with
        one way only (the mean of 0.3 and 1), while every way of transfer_pending reads the transfer (pending:
        decisive, not applied for: strong, twice), so 不知道 about it keeps the mean of their ratios."""
        scam = planner.own_facts["scam_or_rumor"]
        assert math.isclose(scam["query_channel"], 0.65) and math.isclose(scam["external_claim"], 0.65)
        assert math.isclose(planner.own_facts["transfer_pending"]["transfer_status"], (0.1 + 0.3 + 0.3) / 3)

    def test_planning_prior_weight_lifts_rare_causes(self, kb_copy: Path) -> None:
        """Counting less of the priors gives a rare cause a larger share of the planner's belief."""
        full = kb_copy.parent / "full"
        shutil.copytree(kb_copy, full)
        evidence = full / "evidence.toml"
        evidence.write_text(
            evidence.read_text(encoding="utf-8").replace("planning_prior_weight = 0.5", "planning_prior_weight = 1.0"),
            encoding="utf-8",
        )
        half = Planner(diagnose.load_knowledge(kb_copy)).belief({})
        whole = Planner(diagnose.load_knowledge(full)).belief({})
        assert half["platform_migration_reset"] > whole["platform_migration_reset"]
        assert half["funds_used_up"] < whole["funds_used_up"]

    def test_change_is_zero_for_a_settled_answer(self, planner: Planner) -> None:
        """Once a fact is answered, asking a question that only re-reads it cannot change the top three."""
        answers: dict[str, str | None] = {"insurance_type": "resident", "symptom": "always_zero"}
        assert planner.change(answers, "platform_event") < 0.1


@pytest.mark.parametrize("cause", ["card_not_activated", "account_frozen", "retiree_years_short"])
def test_a_sudden_fall_counts_against_causes_that_leave_the_money_in_place(planner: Planner, cause: str) -> None:
    """C16, C22, C7: an inactive card or a blocked account leaves the money where it is, and short retiree years
    mean no credit at all; a balance that fell suddenly points to money leaving the account instead."""
    known = {"insurance_type": "employee"}
    fell = {**known, "symptom": "dropped_suddenly"}
    ratio = planner.belief(fell)[cause] / planner.belief(known)[cause]
    # the yardstick: a cause none of whose rules reads the symptom, which the answer says nothing about
    other = next(c for c, inputs in planner.cause_inputs.items() if "symptom" not in inputs)
    neutral = planner.belief(fell)[other] / planner.belief(known)[other]
    assert ratio < 0.5 * neutral
