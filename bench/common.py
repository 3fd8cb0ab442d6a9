"""Helpers shared by the benchmarks: timing and the RESULT line."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timings_ms(work: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    """Wall-clock milliseconds of repeat calls, after warmup calls."""
    for _ in range(warmup):
        work()
    found = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        found.append((time.perf_counter() - started) * 1000)
    return found


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def result_line(**figures: object) -> str:
    """The one comparable line every bench ends with."""
    return "RESULT " + " ".join(f"{k}={v}" for k, v in figures.items())
