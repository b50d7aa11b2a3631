"""The command line: generate, ingest, query a store and a raw file; errors exit with status 2."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from epitrace.cli import main


def test_generate_ingest_and_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw, store = tmp_path / "raw", tmp_path / "store"
    index = raw / "index_persons.csv"
    assert (
        main(
            [
                "generate",
                "--out",
                str(raw),
                "--persons",
                "1500",
                "--pings-per-day",
                "60000",
                "--days",
                "2",
                "--seed",
                "5",
                "--index-persons",
                "5",
                "--threads",
                "1",
            ]
        )
        == 0
    )
    assert "120,000 pings" in capsys.readouterr().out
    assert main(["ingest", "--pings", str(raw), "--store", str(store), "--threads", "1"]) == 0
    out = capsys.readouterr().out
    assert "2021-11-02: 60,000 pings" in out and "peak RSS" in out

    common = [
        "--index",
        str(index),
        "--start",
        "2021-11-01",
        "--end",
        "2021-11-02",
        "--min-cell-hours",
        "off",
        "--second-hop",
    ]
    assert (
        main(["companions", "--store", str(store), *common, "--out", str(tmp_path / "a.parquet")])
        == 0
    )
    out = capsys.readouterr().out
    assert "second hop:" in out and "hop 1:" in out and "time" in out
    assert (
        main(["companions", "--pings", str(raw), *common, "--out", str(tmp_path / "b.parquet")])
        == 0
    )
    a, b = pq.read_table(tmp_path / "a.parquet"), pq.read_table(tmp_path / "b.parquet")
    assert a.num_rows > 0 and a.equals(b)

    # The default window is 14 days ending with --end: 12 of them are not in the store.
    assert (
        main(
            [
                "companions",
                "--store",
                str(store),
                "--index",
                str(index),
                "--end",
                "2021-11-02",
                "--out",
                str(tmp_path / "c.parquet"),
            ]
        )
        == 0
    )
    assert "days not in the store: 2021-10-20" in capsys.readouterr().out


def test_second_hop_can_be_refused_by_its_announced_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    main(
        [
            "generate",
            "--out",
            str(raw),
            "--persons",
            "1000",
            "--pings-per-day",
            "40000",
            "--index-persons",
            "5",
        ]
    )
    code = main(
        [
            "companions",
            "--pings",
            str(raw),
            "--index",
            str(raw / "index_persons.csv"),
            "--end",
            "2021-11-01",
            "--min-cell-hours",
            "off",
            "--second-hop",
            "--max-second-hop-rows",
            "1",
            "--out",
            str(tmp_path / "x.parquet"),
        ]
    )
    assert code == 2
    captured = capsys.readouterr()
    assert "second hop:" in captured.out
    assert "epitrace.second_hop_refused" in captured.err
    assert not (tmp_path / "x.parquet").exists()


def test_errors_print_their_code_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "index.csv"
    index.write_text("id\n1\n", encoding="utf-8")
    code = main(
        [
            "companions",
            "--store",
            str(tmp_path),
            "--index",
            str(index),
            "--end",
            "2021-11-01",
            "--out",
            str(tmp_path / "out.parquet"),
        ]
    )
    assert code == 2
    assert "epitrace.schema.missing_column" in capsys.readouterr().err
    index.write_text("person_id\n1\n", encoding="utf-8")
    assert (
        main(
            [
                "companions",
                "--store",
                str(tmp_path),
                "--index",
                str(index),
                "--end",
                "2021-11-01",
                "--out",
                str(tmp_path / "out.parquet"),
            ]
        )
        == 2
    )
    assert "epitrace.store.missing" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["companions", "--store", "s", "--pings", "p", "--index", "i", "--end", "x"])
