"""Wall time and peak memory of a piece of work, for the CLI and the benchmarks.

Peak RSS of this process comes from the kernel: on Linux ``VmHWM`` of ``/proc/self/status``, the
high-water mark of this process image, so measure in a fresh process. Not ``ru_maxrss``: after
fork and exec it still holds the parent's peak (a benchmark parent of 800 MB makes every child
report at least 800 MB), so it is used only where ``/proc`` is absent. Spark runs in a child JVM,
whose memory the kernel reports only after it exits, so the process tree is also sampled every
50 ms.
"""

from __future__ import annotations

import resource
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.05


@dataclass(slots=True)
class Measurement:
    """Filled in when the ``measure()`` block exits."""

    seconds: float = 0.0
    peak_rss_bytes: int = 0  # this process, exact high-water mark
    peak_tree_rss_bytes: int = 0  # this process and its children (JVM), sampled


def peak_rss_bytes() -> int:
    """High-water mark of this process's resident memory since it started (exec'd)."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # KiB on Linux, bytes on macOS


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue  # a child that exited between listing and reading
    return total


@contextmanager
def measure(*, sample_children: bool = True) -> Iterator[Measurement]:
    """Time the block and record peak memory (see the module docstring).

    ``sample_children=False`` skips the sampling thread (nothing runs in a child process).
    """
    result = Measurement()
    process = psutil.Process()
    stop = threading.Event()
    peak_tree = [0]

    def sample() -> None:
        while not stop.wait(SAMPLE_SECONDS):
            peak_tree[0] = max(peak_tree[0], _tree_rss(process))

    sampler = threading.Thread(target=sample, name="epitrace-rss", daemon=True)
    started = time.perf_counter()
    if sample_children:
        sampler.start()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - started
        stop.set()
        if sample_children:
            sampler.join()
        result.peak_rss_bytes = peak_rss_bytes()
        result.peak_tree_rss_bytes = max(peak_tree[0], _tree_rss(process), result.peak_rss_bytes)


def gib(n_bytes: int) -> str:
    """Bytes as GiB with two decimals."""
    return f"{n_bytes / 2**30:.2f} GiB"
