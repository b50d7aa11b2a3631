"""A synthetic city of phones, for benchmarks and tests; deterministic by seed.

Persons live on a square grid of cells (800 m each; by default about ``sqrt(persons) / 2.5``
cells a side, so 1 M persons get 400 x 400 cells, a province-sized region). Every person has a
home cell (homes are dense in the centre and thin out with distance, a Gaussian of sigma =
grid / 5: about 25 residents per central cell at 1 M persons); 70 % also have a workplace (one
of ``persons / 50`` work sites, sigma = grid / 8, so about 35 staff per site); on a given day a
person may visit one of ``persons / 100`` venues (shops, restaurants, markets; sigma = grid / 6)
for 45 minutes to 3 hours, in the evening on weekdays (35 %) and any time on weekends (70 %).
Each ping falls at a uniformly random time of the day and is attributed to where the person is
by that schedule: venue, else work (weekdays, about 8-10 hours from a morning start), else home.
4 % of pings land in a neighbouring cell, like real base-station drift at cell boundaries.

With 100 pings per person a day, a person occupies about 72 of the 144 ten-minute slots, and an
index person has about 90 companions (≥ 2 shared slots) on a weekday.

Randomness is a counter-based hash of (seed, stream, person, day, ping) computed in DuckDB SQL, so
a given seed yields the same pings whatever the thread count or chunk size (chunking changes
only the row order; the same configuration writes the same files), for a given DuckDB version,
whose ``hash`` function it uses. Pings
are generated ``chunk_persons`` persons at a time and streamed into one Parquet file per day,
``<out>/day=YYYY-MM-DD/pings.parquet``, so memory stays bounded from 10^5 to 10^8 pings a day.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from epitrace.backends.duckdb import connection_config, open_connection
from epitrace.errors import ParamsError
from epitrace.params import EPOCH, MICROS_PER_DAY
from epitrace.schemas import PINGS_SCHEMA

CHUNK_ROWS = 4_000_000  # rows generated per step: ~100 MB of Arrow, whatever the total


@dataclass(frozen=True, slots=True)
class CityConfig:
    """Size and seed of a synthetic city. ``grid`` defaults to about sqrt(persons) / 2.5 cells."""

    persons: int
    pings_per_day: int
    days: int = 1
    start: date = date(2021, 11, 1)
    seed: int = 1
    grid: int = 0
    chunk_persons: int = field(default=0)

    def __post_init__(self) -> None:
        for name in ("persons", "pings_per_day", "days"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ParamsError(f"must be a positive integer, got {value!r}", field=name)
        if self.start < EPOCH:
            raise ParamsError("must not be before 1970-01-01", field="start")
        if self.grid == 0:
            object.__setattr__(self, "grid", max(4, round(math.sqrt(self.persons) / 2.5)))
        if self.grid < 2:
            raise ParamsError(f"must be at least 2, got {self.grid}", field="grid")
        if self.chunk_persons == 0:
            object.__setattr__(self, "chunk_persons", max(1, CHUNK_ROWS // self.pings_per_person))
        if self.chunk_persons < 1:
            raise ParamsError(f"must be positive, got {self.chunk_persons}", field="chunk_persons")

    @property
    def pings_per_person(self) -> int:
        """Pings each person sends a day (the total is rounded to a multiple of ``persons``)."""
        return max(1, round(self.pings_per_day / self.persons))

    @property
    def work_sites(self) -> int:
        return max(1, self.persons // 50)

    @property
    def venues(self) -> int:
        return max(1, self.persons // 100)


def _stream_key(seed: int, stream: int) -> int:
    """A 64-bit constant per (seed, stream), so every random stream starts from its own state."""
    digest = hashlib.blake2b(f"epitrace:{seed}:{stream}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _hash_chain(seed: int, stream: int, *keys: str) -> str:
    """SQL for a 64-bit hash of (seed, stream, keys...), keys being integer SQL expressions.

    Each key is folded in by XOR then DuckDB's single-value ``hash`` (a full 64-bit mixer).
    Multi-argument ``hash(a, b)`` is not used: its combination of small integers leaves
    correlated high bits between streams, which made (x, y) draws fall on a few lines.
    """
    expr = f"hash({_stream_key(seed, stream)}::UBIGINT)"
    for key in keys:
        expr = f"hash(xor({expr}, ({key})::UBIGINT))"
    return expr


def _uniform(seed: int, stream: int, *keys: str) -> str:
    """SQL for a uniform double in [0, 1) (53 random bits)."""
    return f"(({_hash_chain(seed, stream, *keys)} >> 11)::DOUBLE / 9007199254740992.0)"


def _gauss_cell(seed: int, key: str, stream: int, grid: int, sigma: float) -> tuple[str, str]:
    """SQL for a (x, y) cell drawn from a Gaussian around the grid centre (Box-Muller)."""
    u1 = _uniform(seed, stream, key)
    u2 = _uniform(seed, stream + 1, key)
    radius = f"sqrt(-2 * ln(1 - {u1}))"
    centre = (grid - 1) / 2
    clamp = "least({hi}, greatest(0, round({c} + {s} * {r} * {f}(2 * pi() * {u}))))::BIGINT"
    x = clamp.format(hi=grid - 1, c=centre, s=sigma, r=radius, f="cos", u=u2)
    y = clamp.format(hi=grid - 1, c=centre, s=sigma, r=radius, f="sin", u=u2)
    return x, y


def day_sql(config: CityConfig) -> str:
    """One day's pings for persons ``$lo <= i < $hi`` on day number ``$day`` (days since 1970)."""
    s, g = config.seed, config.grid
    hx, hy = _gauss_cell(s, "p", 10, g, g / 5)
    wx, wy = _gauss_cell(s, "work", 20, g, g / 8)
    vx, vy = _gauss_cell(s, "venue", 30, g, g / 6)
    hour = 3_600_000_000
    return f"""
WITH persons AS (
  SELECT i AS p, {hx} AS hx, {hy} AS hy,
         {_uniform(s, 1, "i")} < 0.7 AS employed,
         {_hash_chain(s, 2, "i")} % {config.work_sites} AS work,
         {_hash_chain(s, 3, "i", "$day")} % {config.venues} AS venue
  FROM range($lo, $hi) t(i)
), plans AS (
  SELECT p, hx, hy, employed, work, venue,
         isodow(DATE '1970-01-01' + $day::INTEGER) >= 6 AS weekend,
         {_uniform(s, 4, "p", "$day")} AS u_visit,
         {_uniform(s, 5, "p", "$day")} AS u_vstart,
         {_uniform(s, 6, "p", "$day")} AS u_vlen,
         (7 * {hour} + {_uniform(s, 7, "p", "$day")} * 2.5 * {hour})::BIGINT AS work_start,
         ((8 + 2 * {_uniform(s, 8, "p", "$day")}) * {hour})::BIGINT AS work_len
  FROM persons
), schedule AS (
  SELECT p, hx, hy, employed AND NOT weekend AS works, work, venue, work_start,
         work_start + work_len AS work_end,
         u_visit < CASE WHEN weekend THEN 0.7 ELSE 0.35 END AS visits,
         (CASE WHEN weekend THEN 10 * {hour} + u_vstart * 9 * {hour}
               ELSE 18 * {hour} + u_vstart * 3 * {hour} END)::BIGINT AS visit_start,
         ((0.75 + 2.25 * u_vlen) * {hour})::BIGINT AS visit_len
  FROM plans
), pings AS (
  SELECT p, j, hx, hy, works, work, venue, work_start, work_end, visits, visit_start, visit_len,
         ({_hash_chain(s, 9, "p", "$day", "j")} % {MICROS_PER_DAY})::BIGINT AS t
  FROM schedule, range({config.pings_per_person}) r(j)
), placed AS (
  SELECT p, t,
         CASE WHEN visits AND t >= visit_start AND t < visit_start + visit_len THEN {vx}
              WHEN works AND t >= work_start AND t < work_end THEN {wx}
              ELSE hx END AS x,
         CASE WHEN visits AND t >= visit_start AND t < visit_start + visit_len THEN {vy}
              WHEN works AND t >= work_start AND t < work_end THEN {wy}
              ELSE hy END AS y,
         {_uniform(s, 11, "p", "$day", "j")} AS u_drift,
         {_hash_chain(s, 12, "p", "$day", "j")} % 4 AS direction
  FROM pings
)
SELECT p AS person_id,
       make_timestamp($day::BIGINT * {MICROS_PER_DAY} + t) AS ts,
       least({g - 1}, greatest(0, y + CASE WHEN u_drift < 0.04 AND direction = 0 THEN 1
                                           WHEN u_drift < 0.04 AND direction = 1 THEN -1
                                           ELSE 0 END)) * {g}
       + least({g - 1}, greatest(0, x + CASE WHEN u_drift < 0.04 AND direction = 2 THEN 1
                                             WHEN u_drift < 0.04 AND direction = 3 THEN -1
                                             ELSE 0 END)) AS cell_id
FROM placed
"""


def generate_city(
    config: CityConfig,
    out: str | Path,
    *,
    threads: int | None = None,
    on_chunk: Callable[[date, int], None] | None = None,
) -> list[Path]:
    """Write ``config.days`` days of pings under ``out``; return the files written.

    Each day goes to ``<out>/day=YYYY-MM-DD/pings.parquet`` (replaced if present), one row group
    per chunk of persons. ``on_chunk(day, rows)`` is called after each chunk.
    """
    root = Path(out)
    sql = day_sql(config)
    # Insertion order preserved: the same seed writes the same rows in the same order.
    config_db = connection_config(threads=threads, memory_limit=None, preserve_insertion_order=True)
    con = open_connection(config_db)
    written = []
    try:
        for d in range(config.days):
            day = config.start + timedelta(days=d)
            folder = root / f"day={day.isoformat()}"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "pings.parquet"
            day_number = (day - EPOCH).days
            with pq.ParquetWriter(path, PINGS_SCHEMA) as writer:
                for lo in range(0, config.persons, config.chunk_persons):
                    hi = min(config.persons, lo + config.chunk_persons)
                    # ids start at 1: 0 looks like a missing value in exported spreadsheets
                    rel = con.sql(sql, params={"lo": lo + 1, "hi": hi + 1, "day": day_number})
                    chunk = rel.to_arrow_table().cast(PINGS_SCHEMA)
                    writer.write_table(chunk, row_group_size=chunk.num_rows)
                    if on_chunk is not None:
                        on_chunk(day, chunk.num_rows)
            written.append(path)
    finally:
        con.close()
    return written


def pick_index_persons(config: CityConfig, count: int) -> pa.Array:
    """``count`` distinct person ids chosen by the seed (the same ids for the same seed)."""
    if not 1 <= count <= config.persons:
        raise ParamsError(f"must be between 1 and {config.persons}, got {count}", field="count")
    con = duckdb.connect(":memory:")
    try:
        table = con.sql(
            f"SELECT i AS person_id FROM range(1, {config.persons + 1}) t(i) "
            f"ORDER BY {_hash_chain(config.seed, 99, 'i')}, i LIMIT {count}"
        ).to_arrow_table()
    finally:
        con.close()
    return table.column("person_id").combine_chunks().sort()


def write_index_csv(ids: pa.Array, path: str | Path) -> None:
    """Write index persons as a one-column CSV with a ``person_id`` header."""
    pacsv.write_csv(pa.table({"person_id": ids}), str(path))
