"""Start-up figures: library import, CLI cold start of a full diagnosis, and the cost of each stage.

Every figure is the median of fresh processes, with bytecode present (as after an install) and the knowledge
cache warm, unless `--no-cache` is given. Peak memory is read by /usr/bin/time (the child's own RSS).

    python benchmarks/startup.py [--runs 15] [--no-cache]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

CLI = ["-m", "diagnose", "--set", "insurance_type=employee", "--set", "query_channel=bank", "--json"]

STAGES = """
import time
t0 = time.perf_counter()
import diagnose
t1 = time.perf_counter()
from diagnose.api import Diagnoser
from diagnose.consult.session import Consultation
t2 = time.perf_counter()
kb = diagnose.load_knowledge()
t3 = time.perf_counter()
d = Diagnoser(kb, engine="compiled")
d.diagnose({"insurance_type": "employee", "query_channel": "bank"})
t4 = time.perf_counter()
e = Diagnoser(kb, engine="experta")
e.diagnose({"insurance_type": "employee", "query_channel": "bank"})
t5 = time.perf_counter()
print(*((b - a) * 1000 for a, b in [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)]))
"""
STAGE_NAMES = (
    "import diagnose (public names load on first use)",
    "import the library modules (api, consultation)",
    "load_knowledge() (warm cache)",
    "compiled back-end: Diagnoser() + first diagnosis",
    "experta back-end: Diagnoser() + first diagnosis",
)


def _wall(args: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _rss_mib(args: list[str], env: dict[str, str]) -> float | None:
    if not os.path.exists("/usr/bin/time"):
        return None
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%M", sys.executable, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    return int(out.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    """Print every start-up figure with its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-cache", action="store_true", help="load the TOML every time (DIAGNOSE_NO_CACHE=1)")
    opts = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if opts.no_cache:
        env["DIAGNOSE_NO_CACHE"] = "1"
    else:
        env.pop("DIAGNOSE_NO_CACHE", None)
    subprocess.run([sys.executable, *CLI], env=env, stdout=subprocess.DEVNULL, check=True)  # bytecode, cache
    bare = _wall(["-c", "pass"], env, opts.runs)
    imported = _wall(["-c", "import diagnose"], env, opts.runs)
    cli = _wall(CLI, env, opts.runs)
    rss = _rss_mib(CLI, env)
    print(f"bare python                          {bare:7.1f} ms")
    print(f"library import (minus bare python)   {imported - bare:7.1f} ms   target <= 50 ms")
    print(f"CLI full diagnosis, cold process     {cli:7.1f} ms   target <= 100 ms")
    if rss is not None:
        print(f"CLI full diagnosis, peak RSS         {rss:7.1f} MiB  target <= 30 MiB")
    rows = [
        [
            float(x)
            for x in subprocess.run(
                [sys.executable, "-c", STAGES], env=env, capture_output=True, text=True, check=True
            ).stdout.split()
        ]
        for _ in range(opts.runs)
    ]
    for i, name in enumerate(STAGE_NAMES):
        print(f"  {name:<50} {statistics.median(r[i] for r in rows):7.1f} ms")


if __name__ == "__main__":
    main()
