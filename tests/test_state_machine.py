"""A hypothesis state machine drives a Consultation as bots and people do, saving and restoring it at every step.

Whatever the sequence (answers, free-text replies, 我去查一下, undo, re-asks, a first message), a state the
library wrote always restores, and the restored consultation asks the same next question and gives the same
result as the one that was never interrupted.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import diagnose
from diagnose import Consultation, ConsultationError

pytestmark = pytest.mark.slow

KB = diagnose.load_knowledge()
DIAGNOSER = diagnose.Diagnoser(KB)
FACTS = sorted(f for f, x in KB.facts.items() if not x.free_text)
MESSAGES = [
    "我是新农合",
    "我在ATM上查医保卡余额是0",
    "我妈退休了，医保卡里的钱比以前少",
    "开通了家庭共济，余额突然少了一大块",
    "医保卡怎么是0",
    "",
]
REPLIES = ["1", "2", "0", "是", "没有", "不知道", "我去查一下", "随便", "新农合", "正常在交", "b"]


class ConsultationMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.c = Consultation(DIAGNOSER)

    @rule(message=st.sampled_from(MESSAGES))
    def start_from_a_message(self, message: str) -> None:
        self.c = Consultation.from_text(message, DIAGNOSER)

    @rule(fact=st.sampled_from(FACTS), data=st.data())
    def answer(self, fact: str, data: st.DataObject) -> None:
        value = data.draw(st.sampled_from([None, *KB.facts[fact].allowed]))
        self.c.answer(fact, value)

    @rule(data=st.data())
    def ask_and_answer(self, data: st.DataObject) -> None:
        question = self.c.next_question()
        if question is not None:
            self.c.answer(question.id, data.draw(st.sampled_from([None, *question.allowed])))

    @rule(text=st.sampled_from(REPLIES))
    def reply_in_words(self, text: str) -> None:
        with contextlib.suppress(ConsultationError):  # the consultation may have reached its result
            self.c.answer_text(text)

    @precondition(lambda self: bool(self.c.answers))
    @rule()
    def undo(self) -> None:
        self.c.undo()

    @rule()
    def ask(self) -> None:
        self.c.next_question()

    @invariant()
    def a_saved_state_restores_and_goes_on_the_same_way(self) -> None:
        text = self.c.to_json()
        restored = Consultation.from_json(text, DIAGNOSER)
        assert restored.to_dict() == self.c.to_dict()
        assert restored.result() == self.c.result()
        assert restored.should_stop == self.c.should_stop
        assert restored.stop_reason == self.c.stop_reason
        # asking changes the state (pending, re-asks): ask on two fresh copies
        left, right = Consultation.from_json(text, DIAGNOSER), Consultation.from_json(text, DIAGNOSER)
        assert left.next_question() == right.next_question()


ConsultationMachine.TestCase.settings = settings(
    max_examples=2000,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestConsultationMachine = ConsultationMachine.TestCase
