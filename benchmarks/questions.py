"""How many questions the consultation asks, and how fast it picks them, over the knowledge base's example cases.

Each example case acts as a person: it answers with its facts and says 不知道 to anything else, which is the
worst case for question count (a person who knows more gets settled sooner).

    .venv/bin/python benchmarks/questions.py
"""

from __future__ import annotations

import statistics
import time

import diagnose
from diagnose.consult.session import Consultation


def consult_examples(diagnoser: diagnose.Diagnoser | None = None) -> tuple[list[tuple[int, str]], list[float]]:
    """Run a consultation per example case; return (questions asked, case name) and every next_question time."""
    kb = diagnose.load_knowledge()
    counts: list[tuple[int, str]] = []
    latencies: list[float] = []
    for cause in kb.causes.values():
        for example in cause.examples:
            c = Consultation(diagnoser)
            asked = 0
            while True:
                start = time.perf_counter()
                question = c.next_question()
                latencies.append(time.perf_counter() - start)
                if question is None:
                    break
                c.answer(question.id, question.answer_from(example.facts))
                asked += 1
            counts.append((asked, example.name))
    return counts, latencies


def main() -> None:
    counts, latencies = consult_examples()
    numbers = [n for n, _ in counts]
    latencies.sort()
    worst = max(counts)
    print(f"example cases: {len(numbers)}")
    print(
        f"questions asked: mean {statistics.mean(numbers):.1f}, median {statistics.median(numbers):.0f}, "
        f"max {worst[0]} ({worst[1]})"
    )
    print(
        f"next_question latency: p50 {latencies[len(latencies) // 2] * 1e3:.2f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1e3:.2f} ms over {len(latencies)} calls"
    )


if __name__ == "__main__":
    main()
