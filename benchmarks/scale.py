"""How load, check, diagnosis and the next question grow with the knowledge base: 1x, 3x and 10x the causes.

    .venv/bin/python benchmarks/scale.py [factors...]     # default: 1 3 10

Each synthetic knowledge base is generated into a temporary directory (never committed): the shipped one, plus
every cause file copied factor-1 times with its id, its example names and its place in contract.toml renamed.
A copy carries the original's signals, defeaters and examples, so causes and signals grow by the same factor.
"""

from __future__ import annotations

import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import diagnose
from diagnose.consult.session import Consultation
from diagnose.knowledge.lint import lint
from diagnose.knowledge.loader import load

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


def generate(target: Path, factor: int) -> None:
    """Write the shipped knowledge base with every cause copied `factor`-1 more times into `target`."""
    shutil.copytree(KNOWLEDGE, target)
    causes = sorted((KNOWLEDGE / "causes").glob("*.toml"))
    new_ids: list[str] = []
    for copy in range(1, factor):
        for path in causes:
            text = path.read_text(encoding="utf-8")
            cause_id = re.search(r'^id = "([^"]+)"', text, re.M)
            assert cause_id, path
            new_id = f"{cause_id.group(1)}_x{copy}"
            new_ids.append(new_id)
            text = text.replace(f'id = "{cause_id.group(1)}"', f'id = "{new_id}"', 1)
            text = re.sub(r'^name = "([^"]+)"', rf'name = "\1_x{copy}"', text, flags=re.M)
            (target / "causes" / f"{new_id}.toml").write_text(text, encoding="utf-8")
    contract = target / "contract.toml"
    text = contract.read_text(encoding="utf-8")
    listed = "".join(f'  "{i}",\n' for i in new_ids)
    contract.write_text(text.replace("causes = [\n", "causes = [\n" + listed, 1), encoding="utf-8")


def best(fn: object, repeat: int) -> float:
    """The fastest of `repeat` runs of `fn`, in seconds."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - start)
    return min(out)


def measure(path: Path) -> dict[str, float]:
    """Load, check, uncached diagnosis p50 on both back-ends and next question p99 for one knowledge base."""
    row: dict[str, float] = {}
    row["load_ms"] = best(lambda: load(path), 3) * 1e3
    kb = load(path)
    row["causes"] = len(kb.causes)
    row["rules"] = sum(1 for _ in kb.rules())
    start = time.perf_counter()
    problems = lint(kb)
    row["check_s"] = time.perf_counter() - start
    row["problems"] = len(problems)
    examples = [dict(ex.facts) for cause in list(kb.causes.values())[:24] for ex in cause.examples]
    for engine, repeat in (("compiled", 20), ("experta", 3)):
        d = diagnose.Diagnoser(kb, cache_size=0, engine=engine)
        d.diagnose({})
        samples = []
        for ex in examples:
            for _ in range(repeat):
                start = time.perf_counter()
                d.diagnose(ex)
                samples.append(time.perf_counter() - start)
        row[f"{engine}_p50_ms"] = statistics.median(samples) * 1e3
    d = diagnose.Diagnoser(kb, engine="compiled")
    latencies = []
    for ex in examples[::4]:
        c = Consultation(d)
        for _ in range(40):
            start = time.perf_counter()
            q = c.next_question()
            latencies.append(time.perf_counter() - start)
            if q is None:
                break
            c.answer(q.id, q.answer_from(ex))
    latencies.sort()
    row["next_p99_ms"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1e3
    return row


def main() -> None:
    factors = [int(a) for a in sys.argv[1:]] or [1, 3, 10]
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for factor in factors:
            path = Path(tmp) / f"x{factor}"
            generate(path, factor)
            rows[factor] = measure(path)
            print(f"{factor}x: {rows[factor]}", flush=True)
    base = rows[factors[0]]
    keys = ["load_ms", "check_s", "compiled_p50_ms", "experta_p50_ms", "next_p99_ms"]
    print(f"\n{'':>4} {'causes':>6} {'rules':>6} " + " ".join(f"{k:>16}" for k in keys))
    for factor, row in rows.items():
        cells = " ".join(f"{row[k]:9.3g} ({row[k] / base[k]:4.1f}x)" for k in keys)
        print(f"{factor:>3}x {row['causes']:>6.0f} {row['rules']:>6.0f} {cells}")
    print("targets at 10x: compiled p50 <= 3x the 1x figure; check <= 60 s and <= 10x the 1x time")


if __name__ == "__main__":
    main()
