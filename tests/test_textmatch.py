"""Free text: replies to a pending question, and prefill from a first message. It never guesses."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import diagnose
from diagnose import Consultation

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import extraction

_REPLIES = list(diagnose.load_knowledge().replies.examples)
"""Every [[example]] of knowledge/replies.toml: (fact, text, kind, value)."""


def _pending(fact: str) -> Consultation:
    c = Consultation()
    c._pending = fact  # the question last shown to the person
    return c


class TestAnswerText:
    @pytest.mark.parametrize(("fact", "text", "kind", "value"), _REPLIES, ids=[f"{f}:{t!r}" for f, t, _, _ in _REPLIES])
    def test_reply(self, fact: str, text: str, kind: str, value: str | None) -> None:
        """Each reply is read as the expected answer, as 不知道, or as a request to choose."""
        c = _pending(fact)
        reply = c.answer_text(text)
        assert (reply.kind, reply.fact, reply.value) == (kind, fact, value)
        if kind == "choose":
            assert reply.choices and fact not in c.answers
        elif kind == "later":
            assert fact not in c.answers and c.to_dict()["deferred"] == [fact]
        else:
            assert c.answers[fact] == value

    def test_yes_to_a_question_without_yes_offers_the_positive_choices(self) -> None:
        """有 to 'was the account used for family?' asks which way, leaving out 'none'."""
        reply = _pending("family_sharing").answer_text("有")
        assert reply.kind == "choose" and "none" not in reply.choices and "authorized" in reply.choices

    def test_without_a_pending_question_the_next_one_is_answered(self) -> None:
        """answer_text before next_question answers the question that would be asked next."""
        c = Consultation()
        first = Consultation().next_question()
        assert first is not None
        c.answer_text("0")
        assert list(c.answers) == [first.id]

    def test_no_question_left(self) -> None:
        """Once the result is reached, answer_text raises ConsultationError."""
        c = Consultation.from_text("我在老家交的新农合，支付宝里医保余额一直是0")
        assert c.next_question() is None
        with pytest.raises(diagnose.ConsultationError):
            c.answer_text("是")

    def test_wrong_type(self) -> None:
        """A non-string reply is a TypeError."""
        with pytest.raises(TypeError):
            _pending("symptom").answer_text(3)  # type: ignore[arg-type]


class TestExtract:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "我在老家交的新农合，支付宝里医保余额一直是0",
                {"insurance_type": "resident", "query_channel": "wechat_alipay", "symptom": "always_zero"},
            ),
            ("在ATM上查医保卡是0", {"query_channel": "bank"}),
            ("我在银行查的医保卡余额是0", {"query_channel": "bank"}),
            ("医保卡绑定的银行卡里没钱", {"query_channel": None}),
            ("我没有断缴", {"contribution_status": None}),
            ("去年断缴了半年", {"contribution_status": "stopped"}),
            ("不是新农合，是单位交的职工医保", {"insurance_type": "employee"}),
        ],
    )
    def test_plain_statements(self, text: str, expected: dict[str, str]) -> None:
        """Plain statements are read, and nothing else is filled in."""
        found = diagnose.extract_facts(text)
        assert {k: found.get(k) for k in expected} == expected

    def test_relative_insurance_is_not_the_persons(self) -> None:
        """'用个人账户给爸妈交了居民医保' does not make the person a resident-insurance member."""
        found = diagnose.extract_facts("年初用医保个人账户给爸妈交了居民医保，余额少了")
        assert "insurance_type" not in found
        assert found.get("family_sharing") == "paid_family_premium"

    def test_two_values_leave_the_fact_unknown(self) -> None:
        """A message that names two channels fills neither."""
        assert "query_channel" not in diagnose.extract_facts("支付宝里是0，ATM上也是0")

    def test_nothing_to_read(self) -> None:
        """Small talk fills nothing."""
        assert diagnose.extract_facts("你好，请问在吗？") == {}

    def test_precision_on_the_example_stories(self) -> None:
        """On every example's user story, at least 95% of extracted facts match the example."""
        stories, right, extracted, _, problems = extraction.measure()
        assert stories >= 48
        assert right / extracted >= 0.95, "\n".join(problems)

    def test_from_text_does_not_ask_what_it_was_told(self) -> None:
        """A consultation started from a message never asks a prefilled fact."""
        c = Consultation.from_text("我是单位交的职工医保，在国家医保服务平台上看余额突然少了一大块")
        assert set(c.prefilled) >= {"insurance_type", "query_channel", "symptom"}
        while (q := c.next_question()) is not None:
            assert q.id not in c.prefilled
            c.answer(q.id, None)
