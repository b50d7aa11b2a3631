"""Measuring helpers shared by the Django benchmarks: timed runs, peak memory, the versions line."""

from __future__ import annotations

import os
import platform
import threading
import time
from collections.abc import Callable
from typing import Any


class PeakRss:
    """Peak resident memory of this process while the block runs (sampled every 5 ms)."""

    def __enter__(self) -> PeakRss:
        import psutil

        self._proc = psutil.Process()
        self.peak = self._proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._proc.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


def timed(
    fn: Callable[[], Any], runs: int, warmup: int = 2, *, cpu: list[float] | None = None
) -> tuple[list[float], int]:
    """Wall times of ``runs`` calls after ``warmup`` unmeasured ones, and the peak RSS.

    With ``cpu``, the process CPU time of each call is appended to it (on a shared machine it
    shows our own work apart from the waiting).
    """
    for _ in range(warmup):
        fn()
    times: list[float] = []
    with PeakRss() as rss:
        for _ in range(runs):
            c = time.process_time()
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
            if cpu is not None:
                cpu.append(time.process_time() - c)
    return times, rss.peak


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def versions() -> str:
    """Machine, cores, Python, Django and PostgreSQL versions (needs Django set up)."""
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return (
        f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Django {django.get_version()}, PostgreSQL {pg}"
    )
