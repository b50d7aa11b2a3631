"""The ping store: layout, replacement of days, slot lengths, and agreement with raw queries."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from epitrace import (
    CompanionParams,
    InputError,
    ParquetPings,
    SchemaError,
    Store,
    StoreError,
    Window,
    find_companions,
)
from epitrace.generate import CityConfig, generate_city, pick_index_persons
from epitrace.store import DAY_FILE, OCCUPANCY_FILE, PERSON_CELLS_FILE

CITY = CityConfig(persons=3000, pings_per_day=150_000, days=3, seed=11)
DAYS = [date(2021, 11, 1), date(2021, 11, 2), date(2021, 11, 3)]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("city")
    generate_city(CITY, raw, threads=1)
    return raw


@pytest.fixture(scope="module")
def store(city: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store.create(tmp_path_factory.mktemp("store") / "s", row_group_rows=4096)
    store.ingest(ParquetPings.open(city), threads=1)
    return store


def test_layout_is_sorted_by_cell_with_small_row_groups(store: Store) -> None:
    assert store.days() == DAYS
    meta = json.loads((store.root / "store.json").read_text(encoding="utf-8"))
    assert meta["slot_minutes"] == 10
    assert meta["row_group_rows"] == 4096
    folder = store.day_dir(DAYS[0])
    occupancy = pq.ParquetFile(folder / OCCUPANCY_FILE)
    assert occupancy.schema_arrow.names == ["cell_id", "slot", "person_id"]
    assert occupancy.metadata.num_row_groups > 10
    assert all(
        occupancy.metadata.row_group(i).num_rows <= 4096
        for i in range(occupancy.metadata.num_row_groups)
    )
    table = occupancy.read()
    keys = list(zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True))
    assert keys == sorted(set(keys)), "distinct and sorted by (cell_id, slot, person_id)"
    slots = {s * 10 // 1440 for s in table.column("slot").to_pylist()}
    assert slots == {(DAYS[0] - date(1970, 1, 1)).days}, "a day's file holds that day's slots"

    with duckdb.connect() as con:
        mismatches = con.sql(
            f"SELECT count(*) FROM (SELECT person_id, cell_id, count(*) AS slots "
            f"FROM '{folder / OCCUPANCY_FILE}' GROUP BY ALL) a "
            f"FULL JOIN '{folder / PERSON_CELLS_FILE}' b USING (person_id, cell_id) "
            "WHERE a.slots IS DISTINCT FROM b.slots"
        ).fetchall()
    assert mismatches == [(0,)]
    manifest = json.loads((folder / DAY_FILE).read_text(encoding="utf-8"))
    assert manifest["pings"] == CITY.persons * CITY.pings_per_person
    assert manifest["occupancy_rows"] == table.num_rows


@pytest.mark.parametrize("min_cell_hours", [None, 8.0])
def test_store_answers_like_the_raw_files(
    city: Path, store: Store, min_cell_hours: float | None
) -> None:
    index = pick_index_persons(CITY, 8)
    params = CompanionParams(
        window=Window(DAYS[0], DAYS[-1]), min_cell_hours=min_cell_hours, second_hop=True
    )
    from_store = find_companions(store, index, params)
    from_raw = find_companions(ParquetPings.open(city), index, params)
    assert from_store.hop1_rows > 100
    assert from_store.table.equals(from_raw.table)
    assert from_store.hop2_rows > 0


def test_coarser_query_slots_are_answered_from_a_finer_store(city: Path, tmp_path: Path) -> None:
    fine = Store.create(tmp_path / "fine", slot_minutes=5)
    fine.ingest(ParquetPings.open(city), days=[DAYS[1]], threads=1)
    assert fine.days() == [DAYS[1]]
    index = pick_index_persons(CITY, 10)
    params = CompanionParams(window=Window(DAYS[1], DAYS[1]), slot_minutes=30, min_cell_hours=3)
    assert find_companions(fine, index, params).table.equals(
        find_companions(ParquetPings.open(city), index, params).table
    )
    with pytest.raises(StoreError) as error:
        find_companions(
            fine, index, CompanionParams(window=params.window, slot_minutes=1, min_cell_hours=None)
        )
    assert error.value.code == "epitrace.store.slot_mismatch"


def test_days_outside_the_store_are_reported_missing(store: Store) -> None:
    params = CompanionParams(window=Window.lookback(DAYS[1], 5), min_cell_hours=None)
    result = find_companions(store, pick_index_persons(CITY, 3), params)
    assert result.missing_days == (date(2021, 10, 29), date(2021, 10, 30), date(2021, 10, 31))
    empty = find_companions(
        store, [1], CompanionParams(window=Window.lookback(date(2020, 1, 1), 2))
    )
    assert empty.table.num_rows == 0
    assert len(empty.missing_days) == 2


def test_reingesting_a_day_replaces_it(tmp_path: Path) -> None:
    def table(cell: int) -> pa.Table:
        return pa.table(
            {
                "person_id": pa.array([1, 2], pa.int64()),
                "ts": pa.array([datetime(2021, 11, 1, 9)] * 2, pa.timestamp("us")),
                "cell_id": pa.array([cell, cell], pa.int64()),
            }
        )

    store = Store.create(tmp_path / "s")
    for cell in (5, 6):
        path = tmp_path / f"p{cell}.parquet"
        pq.write_table(table(cell), path)
        store.ingest(ParquetPings.open(path))
    occupancy = pq.read_table(store.day_dir(DAYS[0]) / OCCUPANCY_FILE)
    assert set(occupancy.column("cell_id").to_pylist()) == {6}
    assert sorted(p.name for p in store.root.iterdir()) == ["day=2021-11-01", "store.json"]


def test_store_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as error:
        Store.open(tmp_path)
    assert error.value.code == "epitrace.store.missing"
    Store.create(tmp_path / "s", slot_minutes=10)
    with pytest.raises(StoreError) as error:
        Store.create(tmp_path / "s", slot_minutes=5)
    assert error.value.code == "epitrace.store.slot_mismatch"
    (tmp_path / "s" / "store.json").write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(StoreError) as error:
        Store.open(tmp_path / "s")
    assert error.value.code == "epitrace.store.version"


def test_ingest_proves_there_are_no_nulls_when_statistics_cannot(tmp_path: Path) -> None:
    table = pa.table(
        {
            "person_id": pa.array([1, None], pa.int64()),
            "ts": pa.array([datetime(2021, 11, 1, 9)] * 2, pa.timestamp("us")),
            "cell_id": pa.array([5, 5], pa.int64()),
        }
    )
    path = tmp_path / "no_stats.parquet"
    pq.write_table(table, path, write_statistics=False)
    pings = ParquetPings.open(path)
    assert pings.layout.may_have_nulls
    with pytest.raises(SchemaError) as error:
        Store.create(tmp_path / "s").ingest(pings)
    assert error.value.column == "person_id"
    assert error.value.code == "epitrace.schema.nulls"


def test_pings_before_1970_cannot_be_stored(tmp_path: Path) -> None:
    path = tmp_path / "old.parquet"
    pq.write_table(
        pa.table(
            {
                "person_id": pa.array([1], pa.int64()),
                "ts": pa.array([datetime(1969, 12, 31, 23)], pa.timestamp("us")),
                "cell_id": pa.array([5], pa.int64()),
            }
        ),
        path,
    )
    with pytest.raises(InputError) as error:
        Store.create(tmp_path / "s").ingest(ParquetPings.open(path))
    assert error.value.code == "epitrace.input.before_epoch"
