"""The checklist: several questions put at once ("has any of these happened?"), its follow-ups, replies and state."""

from __future__ import annotations

from pathlib import Path

import pytest

import diagnose
from diagnose import Consultation
from diagnose.errors import InvalidValueError, KnowledgeError, StateError

_KB = diagnose.load_knowledge()
_LIST = next(iter(_KB.checklists.values()))
_EARLY = {"insurance_type": "employee", "query_channel": "nhsa_app", "viewing_whose": "self"}


def _at_list(**told: str) -> Consultation:
    """A consultation whose next question is the checklist (the early questions answered)."""
    c = Consultation()
    for fact, value in {**_EARLY, **told}.items():
        c.answer(fact, value)
    q = c.next_question()
    assert q is not None and q.id == _LIST.id and q.multiple
    return c


def _option(fact: str) -> str:
    return next(o.id for o in _LIST.options if o.fact == fact)


class TestAsking:
    def test_it_comes_after_the_early_questions_and_counts_once(self) -> None:
        """The clarifying questions come first; the list is the next question, and however many facts its answer
        records it counts as one question."""
        c = Consultation()
        asked = []
        while (q := c.next_question()) is not None and not q.multiple:
            asked.append(q.id)
            c.answer(q.id, _EARLY.get(q.id))
        assert q is not None and set(asked) == {f.id for f in _KB.facts.values() if f.early}
        before = c.asked
        c.answer(q.id, [])
        assert c.asked == before + 1
        assert sum(1 for f in _LIST.facts if f in c.answers) >= 2

    def test_a_picked_option_of_one_value_answers_its_fact(self) -> None:
        c = _at_list()
        c.answer(_LIST.id, [_option("platform_event")])
        assert c.answers["platform_event"] == "recent_migration"

    def test_options_not_picked_are_dont_know_never_no(self) -> None:
        """Not picking "the system was switched" is not "it was not": the fact is recorded as 不知道 (None)."""
        c = _at_list()
        c.answer(_LIST.id, [])
        recorded = [o.fact for o in _LIST.options if o.fact in c.answers]
        assert len(recorded) >= len(_LIST.options) // 2
        assert all(c.answers[f] is None for f in recorded)

    def test_only_open_options_are_offered(self) -> None:
        """A fact already answered (here the first message said the person moved) is not offered again."""
        c = Consultation()
        for fact, value in {**_EARLY, "transfer_status": "pending"}.items():
            c.answer(fact, value)
        q = c.next_question()
        assert q is not None and q.multiple
        assert _option("transfer_status") not in q.allowed
        c.answer(q.id, [])
        assert c.answers["transfer_status"] == "pending"

    def test_an_option_of_several_values_is_asked_next_offering_only_them(self) -> None:
        """The option "I moved" is followed by the transfer question, offering only the moved answers; its reply numbers
        index the choices shown."""
        c = _at_list()
        c.answer(_LIST.id, [_option("transfer_status")])
        assert "transfer_status" not in c.answers
        q = c.next_question()
        assert q is not None and q.id == "transfer_status"
        assert q.allowed == ("not_applied", "pending", "completed")
        assert "none" not in q.to_dict()["choices"][0]["id"]
        c.answer_text("1")
        assert c.answers["transfer_status"] == "not_applied"

    def test_a_sub_choice_answers_its_fact_at_once(self) -> None:
        """An option of several values offers each as a sub-choice ("fact.value"): picking one needs no follow-up."""
        c = _at_list()
        q = c.pending
        assert q is not None
        subs = [x.id for x in q.sub_choices(_option("withdrawn_or_closed"))]
        assert subs == [f"withdrawn_or_closed.{v}" for v in ("cash_withdrawal", "death", "emigration")]
        assert q.sub_choices(_option("platform_event")) == ()  # an option of one value has none
        wire = {ch["id"]: ch["values"] for ch in q.to_dict()["choices"]}  # type: ignore[union-attr]
        assert [x["id"] for x in wire[_option("withdrawn_or_closed")]] == subs
        c.answer(_LIST.id, ["withdrawn_or_closed.death", _option("platform_event")])
        assert c.answers["withdrawn_or_closed"] == "death" and c.answers["platform_event"] == "recent_migration"
        nxt = c.next_question()
        assert nxt is None or nxt.id != "withdrawn_or_closed"

    def test_two_values_of_one_option_are_refused(self) -> None:
        c = _at_list()
        with pytest.raises(InvalidValueError) as info:
            c.answer(_LIST.id, ["withdrawn_or_closed.death", "withdrawn_or_closed.emigration"])
        assert "withdrawn_or_closed" in str(info.value)
        assert c.answer_text("6a 6b").kind == "choose"
        c.answer(_LIST.id, [_option("withdrawn_or_closed"), "withdrawn_or_closed.death"])  # the option and its value
        assert c.answers["withdrawn_or_closed"] == "death"

    def test_a_person_who_knows_the_value_answers_with_its_sub_choice(self) -> None:
        """Question.answer_from: the simulated person (or a bot holding a form) names the value they know."""
        c = _at_list()
        q = c.pending
        assert q is not None
        facts = {"transfer_status": "pending", "platform_event": "recent_migration", "symptom": "went_to_zero"}
        assert q.answer_from(facts) == ["transfer_status.pending", _option("platform_event")]
        assert q.answer_from({"transfer_status": "none"}) == []  # "not moved" is not on the list

    def test_a_follow_up_that_cannot_matter_is_not_asked(self) -> None:
        """Once a death is known, which card problem it was teaches nothing: the card follow-up is left out."""
        c = _at_list()
        c.answer(_LIST.id, [_option("withdrawn_or_closed"), _option("card_status")])
        q = c.next_question()
        assert q is not None and q.id == "withdrawn_or_closed"
        c.answer(q.id, "death")
        nxt = c.next_question()
        assert nxt is None or nxt.id != "card_status"

    def test_skipping_records_nothing_so_the_facts_stay_askable(self) -> None:
        """None (不知道 to the whole list) records no fact: a generic caller loses one question, not the facts."""
        c = _at_list()
        c.answer(_LIST.id, None)
        assert not any(f in c.answers for f in _LIST.facts)
        q = c.next_question()
        assert q is not None and not q.multiple  # not put again
        assert c.asked == len(_EARLY) + 1

    def test_a_rare_cause_is_found_in_a_few_questions(self) -> None:
        """An heir who only knows that the insured person died: the list finds it, and the result names it."""
        c = Consultation()
        asked = 0
        while (q := c.next_question()) is not None:
            c.answer(q.id, q.answer_from({"withdrawn_or_closed": "death"}))
            asked += 1
        assert c.result().causes[0].id == "account_closed_or_withdrawn"
        assert c.answers["withdrawn_or_closed"] == "death"
        assert asked <= 5  # three early questions, the list (its sub-choice "died"), perhaps one more

    def test_a_second_look_can_put_the_list(self) -> None:
        """A bank reading settles an ATM 0 at once (C15), but unless the money shows elsewhere the account may be
        low for a reason of its own (§6.1 #6): the second look puts the checklist, and a new card is found."""
        c = Consultation()
        asked = []
        while (q := c.next_question()) is not None:
            asked.append(q.id)
            c.answer(q.id, q.answer_from({"query_channel": "bank", "card_status": "not_activated"}))
        assert _LIST.id in asked
        assert {"queried_financial_account", "card_not_activated"} <= {x.id for x in c.result().listed}

    def test_why_says_what_each_option_would_show(self) -> None:
        c = _at_list()
        why = c.why(_LIST.id)
        assert {e.value for e in why.effects} == set(_LIST.allowed)
        closed = next(e for e in why.effects if e.value == _option("withdrawn_or_closed"))
        assert "account_closed_or_withdrawn" in closed.confirms + closed.raises


class TestReplies:
    @pytest.mark.parametrize(
        ("text", "facts"),
        [
            ("1 3", ("recently_enrolled", "family_sharing")),
            ("6b", ("withdrawn_or_closed.death",)),
            ("2 6b", ("transfer_status", "withdrawn_or_closed.death")),
            ("参保人已去世", ("withdrawn_or_closed.death",)),
            ("1、3", ("recently_enrolled", "family_sharing")),
            ("1,3", ("recently_enrolled", "family_sharing")),
            ("换过参保地", ("transfer_status",)),
            ("当地医保系统最近切换或升级过", ("platform_event",)),
        ],
    )
    def test_numbers_and_words_pick_options(self, text: str, facts: tuple[str, ...]) -> None:
        c = _at_list()
        q = c.pending
        assert q is not None and q.allowed[:3] == ("started_recently", "moved", "family_sharing")  # as numbered
        reply = c.answer_text(text)
        assert reply.kind == "answer"
        assert reply.picked == tuple(f if "." in f else _option(f) for f in facts)

    @pytest.mark.parametrize("text", ["都没有", "没有", "0", "none of these"])
    def test_none_of_these_picks_nothing(self, text: str) -> None:
        c = _at_list()
        reply = c.answer_text(text)
        assert (reply.kind, reply.picked) == ("answer", ())
        assert c.pending is None
        assert any(f in c.answers and c.answers[f] is None for f in _LIST.facts)

    @pytest.mark.parametrize("text", ["不知道", "我去查一下"])
    def test_dont_know_skips_the_list(self, text: str) -> None:
        c = _at_list()
        reply = c.answer_text(text)
        assert reply.kind == "dont_know"
        assert not any(f in c.answers for f in _LIST.facts)

    @pytest.mark.parametrize("text", ["99", "1 99", "随便", "卡", "6d", "1a"])
    def test_what_cannot_be_read_asks_again_and_records_nothing(self, text: str) -> None:
        c = _at_list()
        before = c.answers
        reply = c.answer_text(text)
        assert reply.kind == "choose" and c.answers == before
        assert c.pending is not None and c.pending.id == _LIST.id

    def test_a_wrong_option_says_which_and_what_is_allowed(self) -> None:
        c = _at_list()
        with pytest.raises(InvalidValueError) as info:
            c.answer(_LIST.id, ["moved", "no_such_option"])
        assert _LIST.id in str(info.value) and "started_recently" in str(info.value)
        with pytest.raises(InvalidValueError):
            c.answer("transfer_status", ["pending"])  # a list only answers a checklist


class TestUndoAndState:
    def test_undo_takes_back_the_whole_list(self) -> None:
        c = _at_list()
        before = c.answers
        c.answer(_LIST.id, [_option("platform_event")])
        assert c.undo() == _LIST.id
        assert c.answers == before
        q = c.next_question()
        assert q is not None and q.id == _LIST.id  # asked again

    def test_undo_takes_back_a_skipped_list(self) -> None:
        c = _at_list()
        c.answer(_LIST.id, None)
        assert c.undo() == _LIST.id
        assert c.undo() == "viewing_whose"

    def test_undo_after_a_follow_up_takes_back_the_follow_up_first(self) -> None:
        c = _at_list()
        c.answer(_LIST.id, [_option("transfer_status")])
        c.next_question()
        c.answer("transfer_status", "pending")
        assert c.undo() == "transfer_status"
        assert c.undo() == _LIST.id

    @pytest.mark.parametrize("where", ["at_the_list", "at_the_follow_up", "after_it"])
    def test_a_saved_state_goes_on_exactly(self, where: str) -> None:
        c = _at_list()
        if where != "at_the_list":
            c.answer(_LIST.id, [_option("transfer_status")])
            c.next_question()
        if where == "after_it":
            c.answer("transfer_status", "pending")
            c.next_question()
        restored = Consultation.from_json(c.to_json())
        assert restored.to_dict() == c.to_dict()
        assert restored.asked == c.asked
        one, two = c.next_question(), restored.next_question()
        assert (one and one.to_dict()) == (two and two.to_dict())

    @pytest.mark.parametrize(
        "checklists",
        [
            [{"id": "no_such_list", "picked": [], "facts": [], "after": None}],
            [{"id": _LIST.id, "picked": ["no_such_option"], "facts": [], "after": None}],
            [{"id": _LIST.id, "picked": [], "facts": ["symptom"], "after": None}],
            [{"id": _LIST.id, "picked": [], "facts": ["platform_event"], "after": None}],  # not answered
            "not a list",
        ],
    )
    def test_a_bad_saved_list_is_refused(self, checklists: object) -> None:
        c = _at_list()
        data = {**c.to_dict(), "checklists": checklists}
        with pytest.raises(StateError):
            Consultation.from_dict(data)


class TestKnowledge:
    def test_every_option_names_a_fact_and_its_values(self) -> None:
        for checklist in _KB.checklists.values():
            assert checklist.id not in _KB.facts
            for option in checklist.options:
                assert set(option.values) <= set(_KB.facts[option.fact].allowed)
                assert option.reason and option.label.zh and option.label.en

    def test_a_second_look_names_a_fact_or_a_checklist(self, kb_copy: Path) -> None:
        evidence = kb_copy / "evidence.toml"
        text = evidence.read_text(encoding="utf-8")
        assert 'ask = ["situations"]' in text
        evidence.write_text(text.replace('ask = ["situations"]', 'ask = ["situation"]', 1), encoding="utf-8")
        with pytest.raises(KnowledgeError) as info:
            diagnose.load_knowledge(kb_copy)
        assert "unknown fact or checklist 'situation'" in str(info.value) and "situations" in str(info.value)

    @pytest.mark.parametrize(
        ("old", "new", "says"),
        [
            ('fact = "platform_event", values', 'fact = "platform", values', "platform"),
            ('values = ["recent_migration"]', 'values = ["soon"]', "allowed"),
            (
                'fact = "platform_event", values = ["recent_migration"]',
                'fact = "auto_deduction", values = ["yes"]',
                "own",
            ),
            ('id = "situations"', 'id = "symptom"', "already a fact"),
        ],
    )
    def test_a_broken_checklist_is_refused_naming_the_place(self, kb_copy: Path, old: str, new: str, says: str) -> None:
        facts = kb_copy / "facts.toml"
        text = facts.read_text(encoding="utf-8")
        at = text.index("[[checklist]]")  # the checklist's own text, not a fact's
        assert old in text[at:]
        facts.write_text(text[:at] + text[at:].replace(old, new, 1), encoding="utf-8")
        with pytest.raises(KnowledgeError) as info:
            diagnose.load_knowledge(kb_copy)
        assert "checklist[1]" in str(info.value) and says in str(info.value)


def test_a_transcript_shows_the_list_as_the_one_question_it_was() -> None:
    """--save: the list appears once, with the options picked; the facts its answer recorded are not listed as
    questions answered 不知道."""
    from diagnose.render.markdown import to_markdown

    c = _at_list()
    c.answer(_LIST.id, [_option("platform_event")])
    text = to_markdown(c.kb, c.answers, c.result(), "zh", c.checklists)
    assert text.count(_LIST.question.zh) == 1
    assert _LIST.option(_option("platform_event")).label.zh in text
    assert _KB.facts["auto_deduction"].question.zh not in text  # recorded as 不知道 by the list, never asked
    assert "\n4. " in text.split("## ")[1] and "\n5. " not in text.split("## ")[1]  # three early questions, the list
