"""Speed of the library, the consultation and the CLI, measured in one run so the ratios are comparable.

    .venv/bin/python benchmarks/bench.py

This machine is shared and noisy: compare the figures of one run with each other (the ratio column), not
absolute numbers across runs. Nothing here is a test; the targets are from the verification issue.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import diagnose

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from questions import consult_examples  # noqa: E402


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def child(args: list[str], runs: int) -> tuple[float, float]:
    """Median wall time (s) and the largest peak RSS (MiB) of a fresh Python process running `args`."""
    walls, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        assert os.waitstatus_to_exitcode(status) == 0, args
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), max(peaks)


def main() -> None:
    kb = diagnose.load_knowledge()
    examples = [dict(ex.facts) for cause in kb.causes.values() for ex in cause.examples]
    rows: list[tuple[str, str, str]] = []

    start = time.perf_counter()
    uncached = diagnose.Diagnoser(kb, cache_size=0)
    uncached.diagnose({})
    build = time.perf_counter() - start
    rows.append(("engine build (compile rules, Rete network, first run)", f"{build * 1e3:.1f} ms", "-"))

    samples = [t for ex in examples for t in timed(lambda ex=ex: uncached.diagnose(ex), 5)]
    p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
    rows.append(("uncached diagnosis p50 / p99", f"{p50 * 1e3:.2f} / {p99 * 1e3:.2f} ms", "p50 <= 1.5 ms"))
    rows.append(("uncached throughput, one core", f"{1 / statistics.mean(samples):,.0f} /s", "-"))

    cached = diagnose.Diagnoser(kb)
    for ex in examples:
        cached.diagnose(ex)
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < 1.0:
        for ex in examples:
            cached.diagnose(ex)
        n += len(examples)
    rows.append(("repeated answer sets (cache)", f"{n / (time.perf_counter() - start):,.0f} /s", ">= 50,000 /s"))

    _, latencies = consult_examples(cached)
    rows.append(
        (
            "next question p50 / p99",
            f"{percentile(latencies, 0.5) * 1e3:.2f} / {percentile(latencies, 0.99) * 1e3:.2f} ms",
            "p99 <= 10 ms",
        )
    )

    from reference import Reference  # tests/reference.py: the plain-Python evaluator that verifies the engine

    reference = Reference(kb)
    ref = [t for ex in examples for t in timed(lambda ex=ex: reference.evaluate(ex), 5)]
    rows.append(
        (
            "engine / reference evaluator time (uncached diagnosis)",
            f"{statistics.mean(samples) / statistics.mean(ref):.0f}x",
            "-",
        )
    )

    base, _ = child(["-c", "pass"], 15)
    imp, _ = child(["-c", "import diagnose"], 15)
    rows.append(
        ("library import (python -c 'import diagnose' minus bare python)", f"{(imp - base) * 1e3:.0f} ms", "<= 50 ms")
    )
    cli = ["-m", "diagnose", "--set", "insurance_type=employee", "--set", "query_channel=bank", "--json"]
    wall, rss = child(cli, 9)
    rows.append(
        (
            "CLI cold start, full diagnosis (--set ... --json)",
            f"{wall * 1e3:.0f} ms, {rss:.1f} MiB",
            "<= 100 ms, <= 30 MiB",
        )
    )
    wall, rss = child(["-m", "diagnose", "--help"], 9)
    rows.append(("CLI cold start, --help", f"{wall * 1e3:.0f} ms, {rss:.1f} MiB", "-"))
    rows.append(("bare python start (for scale)", f"{base * 1e3:.0f} ms", "-"))

    width = max(len(r[0]) for r in rows)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {len(examples)} example answer sets")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>24}  target: {target}")


if __name__ == "__main__":
    main()
