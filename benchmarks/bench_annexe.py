"""``annexe`` speed: the annexe of one bundled report, end to end as a methodologist runs it
(bar: a median under 3 s on a two-core machine).

    PYTHONPATH=$PWD python benchmarks/bench_annexe.py

Runs ``python -m sampling annexe calderdale-2022 --out X.html`` five times in a child process,
the whole command: Python's start-up and imports, the kernel started (over IPC, while the inputs
are checked), the template executed and the page written. Prints the minimum, the median and the
maximum of the wall times (as ``_timing.median_seconds`` times a call, here of a whole process),
and the load average, since on a shared machine the median says as much about the neighbours as
about the annexe.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = "calderdale-2022"
RUNS = 5
BAR = 3.0


def one_run(out: Path) -> float:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}  # this working copy's package, in the kernel too
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sampling", "annexe", REPORT, "--out", str(out), "--force",
                           "--json"], cwd=ROOT, env=environment, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"annexe failed:\n{done.stderr}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "annexe.html"
        times = [one_run(out) for _ in range(RUNS)]
    median = statistics.median(times)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    verdict = "met" if median < BAR else "MISSED"
    print(f"python -m sampling annexe {REPORT} --out X.html, {RUNS} runs: min {min(times):.2f} s, "
          f"median {median:.2f} s, max {max(times):.2f} s (bar {BAR:g} s: {verdict}; "
          f"load average {load} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
