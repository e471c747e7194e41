"""Speed of the library, the consultation and the CLI, measured in one run so the ratios are comparable.

    .venv/bin/python benchmarks/bench.py [--installed]

Every figure is printed with its target (issue 15) and, for diagnoses, the ratio to the reference evaluator
(tests/reference.py) timed in the same run. This machine is shared and noisy: compare the figures of one run with
each other, not absolute numbers across runs. Nothing here is a test.

How it measures:
- per-call latency: p50/p99 of single calls over every rule example (5 calls each);
- throughput: the wall time of one batch over every example, repeated for about a second (not 1/mean latency);
- cold starts: fresh processes with the package's bytecode compiled first (as after `pip install`) and the
  knowledge cache warm, median of several runs; peak RSS is the child's own, read by `/usr/bin/time` or, without
  it, by a small Python parent that only spawns the child and reads RUSAGE_CHILDREN (a fork of this process would
  count this process's memory);
- `--installed` adds the cold starts of a plain `pip install .` into a fresh venv (no editable-install finder).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import diagnose

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from questions import consult_examples  # noqa: E402

CLI = ["-m", "diagnose", "--set", "insurance_type=employee", "--set", "query_channel=bank", "--json"]
_SPAWN = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def percentile(samples: Sequence[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def throughput(fn: Callable[[dict[str, str]], object], cases: Sequence[dict[str, str]], seconds: float = 1.0) -> float:
    """Calls per second from the wall time of whole batches over `cases`."""
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for case in cases:
            fn(case)
        n += len(cases)
    return n / (time.perf_counter() - start)


def wall(python: str, args: list[str], runs: int) -> float:
    """Median wall time (s) of a fresh `python args` process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([python, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/", check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mib(python: str, args: list[str]) -> float:
    """The child's own peak RSS (MiB), measured from a small parent, never from a fork of this process."""
    if os.path.exists("/usr/bin/time"):
        cmd = ["/usr/bin/time", "-f", "%M", python, *args]
        out = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd="/", check=True)
        return int(out.stderr.strip().splitlines()[-1]) / 1024
    out = subprocess.run([python, "-c", _SPAWN, python, *args], capture_output=True, text=True, cwd="/", check=True)
    return int(out.stdout.strip()) / 1024


def starts(python: str, label: str, rows: list[tuple[str, str, str]], runs: int) -> None:
    """Import and CLI cold-start rows for one interpreter (bytecode and knowledge cache warmed first)."""
    subprocess.run([python, *CLI], stdout=subprocess.DEVNULL, cwd="/", check=True)
    base = wall(python, ["-c", "pass"], runs)
    imp = wall(python, ["-c", "import diagnose"], runs)
    cli = wall(python, CLI, runs)
    rows.append((f"library import, minus bare python ({label})", f"{(imp - base) * 1e3:.0f} ms", "<= 50 ms"))
    rows.append(
        (
            f"CLI cold start, full diagnosis ({label})",
            f"{cli * 1e3:.0f} ms, {peak_mib(python, CLI):.1f} MiB",
            "<= 100 ms, <= 30 MiB",
        )
    )
    rows.append((f"bare python start ({label}, for scale)", f"{base * 1e3:.0f} ms", "-"))


def installed_python(tmp: Path) -> str:
    """A fresh venv with a plain (non-editable) `pip install .` of this checkout; its python."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", str(ROOT)], check=True)
    return python


def backend_rows(kb: diagnose.KnowledgeBase, examples: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    """Uncached latency and batch throughput of each back-end, with the ratio to the reference evaluator."""
    from reference import Reference  # tests/reference.py: the plain-Python evaluator that verifies the engines

    reference = Reference(kb)
    ref = [t for ex in examples for t in timed(lambda ex=ex: reference.evaluate(ex), 5)]
    ref_p50 = percentile(ref, 0.5)
    rows = [("reference evaluator p50 (tests/reference.py)", f"{ref_p50 * 1e3:.3f} ms", "-")]
    for engine, target in (("compiled", "p50 <= 0.2 ms"), ("experta", "p50 <= 2 ms")):
        start = time.perf_counter()
        d = diagnose.Diagnoser(kb, cache_size=0, engine=engine)
        d.diagnose({})
        rows.append((f"{engine}: build and first run", f"{(time.perf_counter() - start) * 1e3:.1f} ms", "-"))
        samples = [t for ex in examples for t in timed(lambda ex=ex, d=d: d.diagnose(ex), 5)]
        p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
        rows.append(
            (
                f"{engine}: uncached diagnosis p50 / p99 (x reference)",
                f"{p50 * 1e3:.3f} / {p99 * 1e3:.2f} ms ({p50 / ref_p50:.1f}x)",
                target,
            )
        )
        rows.append(
            (f"{engine}: uncached throughput, one core (batch)", f"{throughput(d.diagnose, examples):,.0f} /s", "-")
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--installed", action="store_true", help="also time a plain `pip install .` in a fresh venv")
    parser.add_argument("--runs", type=int, default=11, help="fresh processes per cold-start figure (default 11)")
    opts = parser.parse_args()
    compileall.compile_dir(str(Path(diagnose.__file__).parent), quiet=1)  # bytecode as after an install
    kb = diagnose.load_knowledge()
    examples = [dict(ex.facts) for cause in kb.causes.values() for ex in cause.examples]
    rows = backend_rows(kb, examples)

    cached = diagnose.Diagnoser(kb)
    for ex in examples:
        cached.diagnose(ex)
    rows.append(
        ("repeated answer sets (cache, batch)", f"{throughput(cached.diagnose, examples):,.0f} /s", ">= 50,000 /s")
    )
    _, latencies = consult_examples(cached)
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    rows.append(("next question p50 / p99", f"{p50 * 1e3:.2f} / {p99 * 1e3:.2f} ms", "p99 <= 10 ms"))

    starts(sys.executable, "this venv", rows, opts.runs)
    if opts.installed:
        with tempfile.TemporaryDirectory() as tmp:
            starts(installed_python(Path(tmp)), "pip install .", rows, opts.runs)

    width = max(len(r[0]) for r in rows)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {len(examples)} example answer sets")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>28}  target: {target}")


if __name__ == "__main__":
    main()
