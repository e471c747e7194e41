"""No personal identifier a person types (phone, ID or card number, name after 我叫) is kept anywhere."""

from __future__ import annotations

import json
import re

import pytest

import diagnose
from diagnose.render.markdown import to_markdown

MESSAGES = [
    ("我叫王小明，身份证号110101199003071234，电话13812345678，医保卡余额一直是0，我是新农合", ["王小明"]),
    ("my phone is 138 1234 5678, card 6222 0212 3456 7890 123, ATM shows 0", []),
    ("我叫李四，医保卡号 1234567890，在银行App上查是0", ["李四"]),
]


def _identifiers(message: str, names: list[str]) -> list[str]:
    """The numbers of the message as typed and without their spaces, and the names."""
    spaced = re.findall(r"\d[\d ]{8,}\d", message)
    return [*spaced, *(s.replace(" ", "") for s in spaced), *names]


@pytest.mark.parametrize(("message", "names"), MESSAGES)
def test_a_first_message_leaves_no_identifier(message: str, names: list[str]) -> None:
    """The state, the result and the transcript of a consultation started from the message hold no identifier."""
    c = diagnose.Consultation.from_text(message)
    while (q := c.next_question()) is not None:
        c.answer(q.id, None)
    kept = [c.to_json(), json.dumps(c.result().to_dict(), ensure_ascii=False), to_markdown(c.kb, c.answers, c.result())]
    secrets = _identifiers(message, names)
    assert len(secrets) >= 2
    for text in kept:
        assert not [s for s in secrets if s in text]


@pytest.mark.parametrize(
    "value", ["张三 138 1234 5678", "110101199003071234", "1101 0119 9003 0712", "a@b.cn", "杭州\x1b[2J"]
)
def test_the_region_answer_refuses_personal_data(value: str) -> None:
    """A free-text region with digits, @ or control characters is refused, and the error does not repeat it."""
    with pytest.raises(diagnose.InvalidValueError) as info:
        diagnose.diagnose({"region": value})
    assert value not in str(info.value) and "personal data" in str(info.value)
