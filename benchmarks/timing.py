"""Shared timing helper for the benchmark scripts."""

from __future__ import annotations

import statistics
import time


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Run `fn` `repeat` times; return (median seconds, best seconds, last result)."""
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), out
