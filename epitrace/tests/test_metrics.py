"""Peak memory is the measured process's own, not inherited from the process that started it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from epitrace.metrics import measure, peak_rss_bytes

CHILD = "from epitrace.metrics import peak_rss_bytes; print(peak_rss_bytes())"


@pytest.mark.skipif(sys.platform != "linux", reason="VmHWM is Linux's")
def test_child_does_not_inherit_parent_peak() -> None:
    ballast = bytearray(400 * 2**20)
    ballast[::4096] = b"\x01" * len(ballast[::4096])  # touch every page: resident
    assert peak_rss_bytes() > 400 * 2**20
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True)
    child_peak = int(done.stdout)
    del ballast
    # An interpreter importing psutil stays far below the parent's 400 MB.
    assert 0 < child_peak < 200 * 2**20


def test_measure_records_time_and_growing_peak() -> None:
    with measure(sample_children=False) as cost:
        block = bytearray(64 * 2**20)
        block[::4096] = b"\x01" * len(block[::4096])
    assert cost.seconds > 0
    assert cost.peak_rss_bytes >= 64 * 2**20
    assert cost.peak_tree_rss_bytes >= cost.peak_rss_bytes
