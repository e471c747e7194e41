"""The knowledge base's example cases, kept as data beside each cause, run through the library call."""

from __future__ import annotations

import pytest

import diagnose
from diagnose.knowledge.lint import example_problems
from diagnose.knowledge.model import Example

_KB = diagnose.load_knowledge()
EXAMPLES = [ex for cause in _KB.causes.values() for ex in cause.examples]


@pytest.mark.parametrize("example", EXAMPLES, ids=[ex.name for ex in EXAMPLES])
def test_example(example: Example) -> None:
    """The example's `top` cause ranks first, its `expect` causes are main causes, its `absent` ones unlisted."""
    result = diagnose.diagnose(dict(example.facts))
    assert example_problems(result, example.top, example.expect, example.absent) == []


def test_every_cause_has_examples_that_name_it() -> None:
    """Each cause ships at least two example cases, and at least one of them expects the cause itself."""
    for cause in _KB.causes.values():
        assert len(cause.examples) >= 2, cause.id
        assert any(cause.id in (ex.top, *ex.expect) for ex in cause.examples), cause.id


def test_the_expectation_check_can_fail() -> None:
    """example_problems reports a wrong first cause, a missing main cause and a cause that should be absent."""
    result = diagnose.diagnose({"insurance_type": "employee", "query_channel": "bank"})
    first = result.causes[0].id
    other = next(c for c in _KB.causes if c != first)
    problems = example_problems(result, other, [other], [first])
    assert len(problems) == 3, problems
