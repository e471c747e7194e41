"""The first-message reader: clauses, whose situation each is about, channels, time, masking, spans, confidence."""

from __future__ import annotations

from pathlib import Path

import pytest

import diagnose
from diagnose import Consultation


def _facts(text: str) -> dict[str, str]:
    return diagnose.extract_facts(text)


class TestSubject:
    def test_a_relatives_insurance_is_not_the_writers(self) -> None:
        """The wife's 居民医保 is not read as the writer's insurance; the balance in question is the writer's."""
        facts = _facts("我媳妇给她自己和孩子交了居民医保，用的是我的个人账户，现在我账户里钱少了一大块")
        assert "insurance_type" not in facts
        assert facts["viewing_whose"] == "self"

    def test_the_relative_whose_balance_is_zero_is_the_subject(self) -> None:
        """The mother's 新农合 and 0 are the facts; the writer's 职工医保 only says a relative has one."""
        reading = diagnose.read_message("我妈的医保卡余额一直是0，她在农村交的新农合。我自己是单位交的职工医保")
        assert reading.subject == "family_member"
        facts = reading.confident()
        assert facts["insurance_type"] == "resident" and facts["symptom"] == "always_zero"
        assert facts["relative_with_employee_insurance"] == "yes"

    def test_sharing_given_to_the_subject_makes_them_the_receiver(self) -> None:
        """A son who opened 家庭共济 for the writer makes the writer the receiver, not the giver."""
        facts = _facts("我儿子给我开通了家庭共济，我自己是居民医保，我的卡上显示0")
        assert facts["family_sharing"] == "receiver" and facts["insurance_type"] == "resident"

    def test_a_pronoun_points_back_to_the_relative(self) -> None:
        """他 in a later clause is the husband named before."""
        facts = _facts("不是我的卡，是我老公的，他在药店刷医保卡，收银员说他个人账户余额是0")
        assert facts["viewing_whose"] == "family_member"


class TestNegation:
    def test_negation_stays_in_its_clause(self) -> None:
        """没有 in one clause does not turn round a fact of the next one."""
        facts = _facts("我没有换过工作，医保卡刷不了")
        assert facts["symptom"] == "cannot_use"

    def test_negated_insurance_is_not_read(self) -> None:
        """不是居民医保 fills the 职工医保 that follows, never resident."""
        assert _facts("我不是居民医保，是单位给交的职工医保，怎么个人账户余额是0")["insurance_type"] == "employee"

    def test_someone_elses_spending_is_not_the_subjects(self) -> None:
        """'she has not spent any' about a daughter leaves the writer's own_spending alone."""
        facts = _facts("我在医保钱包里给女儿设了共济额度，她一分钱还没花，可我自己能用的余额比原来少了")
        assert "own_spending" not in facts


class TestChannel:
    def test_the_zero_channel_wins_over_the_comparison(self) -> None:
        """Money on the national app, 0 in the bank app: the 0 was seen at the bank."""
        facts = _facts("国家医保服务平台上明明有钱，农行app查是0")
        assert facts["query_channel"] == "bank" and facts["symptom"] == "zero_in_one_channel"

    def test_zero_first_then_money_elsewhere(self) -> None:
        """掌上12333 shows 0, the national platform shows money."""
        facts = _facts("我妈用掌上12333查医保，个人账户那一栏是0，可是在国家医保服务平台上看有两千多")
        assert facts["query_channel"] == "hr_app" and facts["symptom"] == "zero_in_one_channel"

    def test_money_remembered_is_not_a_second_channel(self) -> None:
        """'上个月还有钱' is a memory, not money seen elsewhere."""
        assert _facts("在银行查余额是0，我明明上个月还有钱").get("symptom") != "zero_in_one_channel"


class TestTime:
    def test_before_and_now_is_a_smaller_credit(self) -> None:
        """以前每个月…现在只…: less than before the reform."""
        facts = _facts("我爸退休了，以前每个月医保卡能进两百多，现在每个月只进一百出头")
        assert facts["symptom"] == "lower_than_expected" and facts["compares_with_pre_reform"] == "yes"

    def test_always_zero(self) -> None:
        """一直是0 is always_zero, not went_to_zero."""
        assert _facts("个账一直是零")["symptom"] == "always_zero"

    def test_had_money_then_zero(self) -> None:
        """去年还有钱，今年一查是0: went_to_zero."""
        assert _facts("医保个人账户去年还有钱，今年一查是0")["symptom"] == "went_to_zero"


class TestMasking:
    MESSAGE = "你好，我叫王小明，身份证号110101199001011234，我的医保卡里钱怎么没了？回电138 1234 5678"

    def test_nothing_returned_holds_an_identifier(self) -> None:
        """Text, spans and unmatched parts have the name, ID and phone number masked."""
        reading = diagnose.read_message(self.MESSAGE)
        kept = [reading.text, *reading.unmatched, *(f.span for f in reading.facts)]
        for secret in ("王小明", "110101199001011234", "138 1234 5678", "5678"):
            assert not [k for k in kept if secret in k]
        assert "＊＊＊" in reading.text

    def test_amounts_are_not_masked(self) -> None:
        """An amount like 1268.50 stays."""
        assert "1268.50" in diagnose.read_message("支付宝医保码里显示个人账户1268.50元，随申办里查却是0").text

    def test_a_consultation_keeps_no_identifier(self) -> None:
        """The state and `mentioned` of a consultation started from the message hold no identifier."""
        c = Consultation.from_text(self.MESSAGE)
        kept = c.to_json() + repr(c.mentioned)
        assert "王小明" not in kept and "110101199001011234" not in kept


class TestReading:
    def test_unmatched_parts_are_reported(self) -> None:
        """A clause that says nothing the reader knows comes back in `unmatched`."""
        reading = diagnose.read_message("我的医保卡刷不了，隔壁老王家的狗丢了")
        assert "隔壁老王家的狗丢了" in reading.unmatched
        assert "我的医保卡刷不了" not in reading.unmatched

    def test_each_fact_has_its_span(self) -> None:
        """A fact's span is the clause it was read from."""
        reading = diagnose.read_message("我是单位交的职工医保，医保卡刷不了")
        spans = {f.fact: f.span for f in reading.facts}
        assert spans["insurance_type"] == "我是单位交的职工医保" and spans["symptom"] == "医保卡刷不了"

    def test_confidence_is_lower_for_a_clause_that_names_nobody(self) -> None:
        """A fact in a clause naming the subject is surer than one carried from the clause before."""
        reading = diagnose.read_message("我爸退休了，医保卡刷不了")
        conf = {f.fact: f.confidence for f in reading.facts}
        assert 0 <= conf["symptom"] < conf["retired"] <= 1

    def test_two_symptoms_are_offered_not_used(self) -> None:
        """Two symptoms of the subject: the more specific is a low-confidence guess, shown as the default."""
        c = Consultation.from_text("医保卡刷不了，钱也一下子少了")
        assert "symptom" not in c.answers and c.suggested.get("symptom") == "dropped_suddenly"
        c.answer("insurance_type", "employee")
        c.answer("query_channel", "nhsa_app")
        c.answer("viewing_whose", "self")
        question = c.next_question(force=True)
        while question is not None and question.id != "symptom":
            c.answer(question.id, None)
            question = c.next_question(force=True)
        assert question is not None and question.default == "dropped_suddenly"

    def test_mentioned_lists_prefilled_facts_and_forget_asks_again(self) -> None:
        """`mentioned` shows each prefilled fact with its words; `forget` takes it back so it is asked."""
        c = Consultation.from_text("我是单位交的职工医保，医保卡刷不了")
        assert ("insurance_type", "employee", "我是单位交的职工医保") in c.mentioned
        c.forget("insurance_type")
        assert "insurance_type" not in c.answers and "insurance_type" not in c.prefilled
        with pytest.raises(diagnose.ConsultationError):
            c.forget("insurance_type")

    def test_a_state_with_suggestions_restores(self) -> None:
        """`suggested` travels in the state; a state without it (written before) still restores."""
        c = Consultation.from_text("医保卡刷不了，钱也一下子少了")
        again = Consultation.from_json(c.to_json())
        assert again.suggested == c.suggested
        old = c.to_dict()
        del old["suggested"]
        assert Consultation.from_dict(old).suggested == {}
        with pytest.raises(diagnose.StateError):
            Consultation.from_dict({**c.to_dict(), "suggested": [["symptom", "nonsense"]]})


class TestReplies:
    @pytest.mark.parametrize("text", ["?", "？", "为什么", "b", "返回"])
    def test_adapter_commands_are_choose(self, text: str) -> None:
        """? / 为什么 / b / 返回 typed to a bot are a request to choose, never an answer or an undo."""
        c = Consultation()
        c._pending = "contribution_status"
        assert c.answer_text(text).kind == "choose" and "contribution_status" not in c.answers

    @pytest.mark.parametrize(
        ("fact", "text", "value"),
        [
            ("contribution_status", "正常在交", "paying"),
            ("query_channel", "微信", "wechat_alipay"),
            ("own_spending", "yes", "yes"),
            ("retired", "退休了不用交", "yes"),
            ("query_channel", "农行app", "bank"),
        ],
    )
    def test_replies_use_the_vocabulary(self, fact: str, text: str, value: str) -> None:
        """A choice's words, yes and the reader's phrasings answer the pending question."""
        c = Consultation()
        c._pending = fact
        reply = c.answer_text(text)
        assert (reply.kind, reply.value) == ("answer", value)

    def test_words_that_fit_several_choices_list_them(self) -> None:
        """职工 fits both 职工医保 choices: those two are offered."""
        c = Consultation()
        c._pending = "insurance_type"
        reply = c.answer_text("职工")
        assert reply.kind == "choose" and set(reply.choices) == {"employee", "flexible_employee"}


class TestVocabulary:
    @pytest.mark.parametrize(
        ("old", "new", "place"),
        [
            ("[words.retired]", "[words.retird]", "words.retird"),
            ('reply_only = ["kinship_binding_only.no"]', 'reply_only = ["kinship_binding_only.maybe"]', "reply_only"),
            ("threshold = 0.7", "threshold = 7", "threshold"),
        ],
    )
    def test_the_loader_refuses_a_broken_reader_file(self, kb_copy: Path, old: str, new: str, place: str) -> None:
        """reader.toml naming an unknown fact or value, or a threshold outside 0..1, is refused naming the place."""
        path = kb_copy / "reader.toml"
        source = path.read_text(encoding="utf-8")
        assert old in source
        path.write_text(source.replace(old, new), encoding="utf-8")
        with pytest.raises(diagnose.KnowledgeError) as info:
            diagnose.load_knowledge(kb_copy)
        assert place in str(info.value)
