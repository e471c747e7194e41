"""Many consultations in many threads give the same answers as one at a time."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import diagnose
from diagnose import Consultation

pytestmark = pytest.mark.slow  # threads hammering the engine: the full run (CI), not the quick one

_KB = diagnose.load_knowledge()
EXAMPLES = [ex for cause in _KB.causes.values() for ex in cause.examples]


def _run(example_index: int) -> tuple[tuple[str, ...], object]:
    example = EXAMPLES[example_index % len(EXAMPLES)]
    c = Consultation(diagnose.Diagnoser(_KB, cache_size=0) if example_index % 7 == 0 else None)
    asked = []
    while (q := c.next_question()) is not None:
        asked.append(q.id)
        c.answer(q.id, q.answer_from(example.facts))
    return tuple(asked), c.result().to_dict()


def test_eight_threads_agree_with_sequential() -> None:
    """8 threads running 4 rounds of every example case match the sequential run exactly."""
    jobs = list(range(len(EXAMPLES) * 4))
    sequential = [_run(i) for i in jobs]
    start = threading.Barrier(8)

    def job(i: int) -> tuple[tuple[str, ...], object]:
        if i < 8:
            start.wait()  # make sure all eight threads really overlap
        return _run(i)

    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(job, jobs))
    assert parallel == sequential


def test_shared_uncached_diagnoser_in_threads() -> None:
    """One Diagnoser without a cache, shared by 8 threads, gives every example its sequential diagnosis."""
    shared = diagnose.Diagnoser(_KB, cache_size=0)
    expected = [shared.diagnose(dict(ex.facts)).signature() for ex in EXAMPLES]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda ex: shared.diagnose(dict(ex.facts)).signature(), EXAMPLES * 3))
    assert got == expected * 3
