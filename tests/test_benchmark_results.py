"""The one writer of ``benchmarks/RESULTS.md``: a section is replaced in place, others untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.results_file import write_section


def test_sections_are_replaced_in_place_with_one_blank_line_between(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    write_section("## a\n\nfirst a", path)
    write_section("## b\n\nfirst b\n\n", path)
    write_section("## c\n\nfirst c", path)
    write_section("## b\n\nsecond b\n| x |", path)
    assert path.read_text(encoding="utf-8") == (
        "# Benchmark results\n\n## a\n\nfirst a\n\n## b\n\nsecond b\n| x |\n\n## c\n\nfirst c\n"
    )
    write_section("## c\n\nsecond c", path)  # the last section too
    assert path.read_text(encoding="utf-8").endswith("\n## c\n\nsecond c\n")
    assert path.read_text(encoding="utf-8").count("## b") == 1


def test_a_section_must_start_with_its_heading(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_section("no heading", tmp_path / "RESULTS.md")
