"""The synthetic city is deterministic by seed and shaped as documented."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from epitrace import PINGS_SCHEMA, ParamsError
from epitrace.generate import CityConfig, generate_city, pick_index_persons

CONFIG = CityConfig(persons=1000, pings_per_day=20_000, days=2, seed=3, chunk_persons=150)


def _read(folder: Path) -> pa.Table:
    return pa.concat_tables(pq.read_table(p) for p in sorted(folder.rglob("*.parquet")))


def _sorted(table: pa.Table) -> pa.Table:
    return table.sort_by(
        [("person_id", "ascending"), ("ts", "ascending"), ("cell_id", "ascending")]
    )


def test_same_seed_same_pings_whatever_the_threads_or_chunks(tmp_path: Path) -> None:
    files = generate_city(CONFIG, tmp_path / "a", threads=2)
    assert [f.parent.name for f in files] == ["day=2021-11-01", "day=2021-11-02"]
    generate_city(CONFIG, tmp_path / "b", threads=1)
    a = _read(tmp_path / "a")
    assert a.schema == PINGS_SCHEMA
    assert a.equals(_read(tmp_path / "b")), "same configuration: same rows in the same order"
    generate_city(replace(CONFIG, chunk_persons=2000), tmp_path / "c")
    assert _sorted(a).equals(_sorted(_read(tmp_path / "c"))), "other chunks: the same rows"
    generate_city(replace(CONFIG, seed=4), tmp_path / "d")
    assert not _sorted(a).equals(_sorted(_read(tmp_path / "d")))


def test_city_shape(tmp_path: Path) -> None:
    generate_city(CONFIG, tmp_path)
    table = _read(tmp_path)
    assert table.num_rows == CONFIG.persons * CONFIG.pings_per_person * CONFIG.days
    assert pc.min(table.column("person_id")).as_py() == 1
    assert pc.max(table.column("person_id")).as_py() == CONFIG.persons
    cells = table.column("cell_id")
    assert pc.min(cells).as_py() >= 0 and pc.max(cells).as_py() < CONFIG.grid**2
    first = pq.read_table(tmp_path / "day=2021-11-01" / "pings.parquet").column("ts")
    assert pc.min(first).as_py() >= datetime(2021, 11, 1)
    assert pc.max(first).as_py() < datetime(2021, 11, 1) + timedelta(days=1)
    # People gather: far fewer cells in use than the grid holds, several persons per cell.
    per_cell = table.group_by("cell_id").aggregate([("person_id", "count_distinct")])
    assert pc.max(per_cell.column("person_id_count_distinct")).as_py() > 10


def test_index_persons_are_distinct_and_deterministic() -> None:
    ids = pick_index_persons(CONFIG, 50)
    assert len(set(ids.to_pylist())) == 50
    assert ids.equals(pick_index_persons(CONFIG, 50))
    assert not ids.equals(pick_index_persons(replace(CONFIG, seed=9), 50))
    with pytest.raises(ParamsError):
        pick_index_persons(CONFIG, CONFIG.persons + 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"persons": 0}, "persons"),
        ({"pings_per_day": -1}, "pings_per_day"),
        ({"days": 0}, "days"),
        ({"start": date(1969, 1, 1)}, "start"),
        ({"grid": 1}, "grid"),
    ],
)
def test_bad_city_configs(changes: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"persons": 10, "pings_per_day": 100, **changes}
    with pytest.raises(ParamsError) as error:
        CityConfig(**arguments)  # type: ignore[arg-type]
    assert error.value.field == field
