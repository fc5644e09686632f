"""The one timing helper the benchmark scripts share."""

from __future__ import annotations

import statistics
import time


def median_seconds(call, repeats: int = 7) -> float:
    """The median wall time of ``repeats`` calls (medians resist a shared machine's noise)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
