"""Where the time goes, for the two targets that experta makes hard: uncached diagnosis and CLI cold start.

.venv/bin/python benchmarks/where_time_goes.py
"""

from __future__ import annotations

import cProfile
import io
import pstats
import subprocess
import sys

STAGES = r"""
import time
t0 = time.perf_counter()
import diagnose
t1 = time.perf_counter()
kb = diagnose.load_knowledge()
t2 = time.perf_counter()
from diagnose._compat import import_experta
import_experta()
t3 = time.perf_counter()
d = diagnose.Diagnoser(kb)
t4 = time.perf_counter()
d.diagnose({"insurance_type": "employee", "query_channel": "bank"})
t5 = time.perf_counter()
import rich.console
t6 = time.perf_counter()
for name, a, b in [("import diagnose", t0, t1), ("load + validate knowledge/ (TOML)", t1, t2),
                   ("import experta", t2, t3), ("compile rules (Diagnoser)", t3, t4),
                   ("first diagnosis (builds the Rete network)", t4, t5), ("import rich (rendering only)", t5, t6)]:
    print(f"  {name:<45} {(b - a) * 1e3:6.1f} ms")
"""


def main() -> None:
    import diagnose

    kb = diagnose.load_knowledge()
    d = diagnose.Diagnoser(kb, cache_size=0)
    examples = [dict(ex.facts) for cause in kb.causes.values() for ex in cause.examples]
    d.diagnose({})
    profiler = cProfile.Profile()
    profiler.enable()
    for ex in examples:
        d.diagnose(ex)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(14)
    print(f"uncached diagnosis, {len(examples)} answer sets, cumulative time (profiler overhead included):")
    print("\n".join(line for line in out.getvalue().splitlines() if "/" in line or "ncalls" in line))
    print("\ncold start stages, fresh interpreter:")
    sys.stdout.flush()
    subprocess.run([sys.executable, "-c", STAGES], check=True)


if __name__ == "__main__":
    main()
