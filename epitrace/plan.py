"""The co-location rule as named SQL steps, shared by every backend.

A backend registers these relations, then runs ``companion_pairs_sql``:

* ``{p}idx(person_id BIGINT)``: distinct index person ids;
* ``{p}occ(person_id BIGINT, cell_id BIGINT, slot BIGINT)``: every ping of the window reduced to
  the slot number at the *query* slot length (duplicates allowed unless ``occ_distinct``);
* ``{p}person_cells(person_id, cell_id, slots)``: only for a store slice: per day, how many
  store slots each person has in each cell (``slots`` counts store slots).

Only validated identifiers and integers are formatted into the SQL. The steps are the same for
DuckDB and Spark; ``Dialect`` holds the two spellings that differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from epitrace.params import CompanionParams


@dataclass(frozen=True, slots=True)
class Dialect:
    """The few SQL spellings that differ between engines."""

    name: str
    int_div: str  # format with {a} and {b}: integer division of non-negative numbers
    sorted_list: str  # format with {c}: aggregate a column into an ascending list


DUCKDB = Dialect(name="duckdb", int_div="({a} // {b})", sorted_list="list({c} ORDER BY {c})")
SPARK = Dialect(name="spark", int_div="({a} DIV {b})", sorted_list="array_sort(collect_list({c}))")

_PREFIX = re.compile(r"^[a-z_][a-z0-9_]*$|^$")


@dataclass(frozen=True, slots=True)
class PlanShape:
    """How the source was registered, which decides a few steps.

    ``occ_distinct``: ``occ`` has no duplicate rows (a store at the query slot length), so the
    de-duplication steps are skipped. ``store``: ``person_cells`` exists; index cells come from
    it (cheap) and, when ``occ_distinct``, so do cell hours.
    """

    occ_distinct: bool
    store: bool


def companion_pairs_sql(
    params: CompanionParams, shape: PlanShape, dialect: Dialect, prefix: str = ""
) -> str:
    """One SELECT returning ``PAIRS_SCHEMA`` rows, ordered by (index_person_id, companion_id).

    Steps (each a CTE, named for what it holds):

    1. ``idx_occ``: distinct (index person, cell, slot) of the index persons, and
    2. ``idx_cells``: the cells they were seen in (for a store: first, from ``person_cells``);
    3. ``hits``: every other person in one of those (cell, slot) pairs;
    4. ``pair_cells``: per (index person, companion, cell): shared slots, first and last slot;
    5. ``candidates`` (clause on): the pair cells of pairs sharing at least ``min_slots`` slots
       in all cells together (the clause only removes cells, so no other pair can qualify);
    6. ``needed``, ``heavy`` (clause on): of the (person, cell) pairs in some candidate, those
       with more than the cell-hours threshold over the whole window, counting all of the
       person's slots in the cell, shared or not;
    7. ``qualified``: candidate cells where the index person or the companion is heavy;
    8. the answer: pairs with at least ``min_slots`` shared slots over qualifying cells.
    """
    if not _PREFIX.match(prefix):
        raise ValueError(f"bad relation prefix {prefix!r}")
    p = prefix
    distinct = "" if shape.occ_distinct else "DISTINCT "
    threshold = params.min_cell_slots_exclusive
    steps: list[tuple[str, str]] = []

    if shape.store:
        # The per-person file is ~15x smaller than occupancy and sorted by person, so reading
        # it first tells which cells to read at all (Parquet row groups are sorted by cell).
        steps.append(
            (
                "idx_cells",
                f"SELECT DISTINCT cell_id FROM {p}person_cells "
                f"WHERE person_id IN (SELECT person_id FROM {p}idx)",
            )
        )
        steps.append(
            (
                "idx_occ",
                f"SELECT {distinct}person_id AS index_id, cell_id, slot FROM {p}occ "
                f"WHERE cell_id IN (SELECT cell_id FROM idx_cells) "
                f"AND person_id IN (SELECT person_id FROM {p}idx)",
            )
        )
    else:
        steps.append(
            (
                "idx_occ",
                f"SELECT {distinct}person_id AS index_id, cell_id, slot FROM {p}occ "
                f"WHERE person_id IN (SELECT person_id FROM {p}idx)",
            )
        )
        steps.append(("idx_cells", "SELECT DISTINCT cell_id FROM idx_occ"))

    # An index person is never their own companion; another index person can be. The IN on
    # cells is implied by the join, but it is pushed into the scan, which then drops most rows
    # (in a store, whole row groups of the cell-sorted files) before the join: one day of raw
    # pings takes 1.5 s with it, 1.9 s without.
    steps.append(
        (
            "hits",
            f"SELECT {distinct}i.index_id, o.person_id AS companion_id, o.cell_id, o.slot "
            f"FROM {p}occ o JOIN idx_occ i ON o.cell_id = i.cell_id AND o.slot = i.slot "
            "WHERE o.person_id <> i.index_id AND o.cell_id IN (SELECT cell_id FROM idx_cells)",
        )
    )
    steps.append(
        (
            "pair_cells",
            "SELECT index_id, companion_id, cell_id, count(*) AS n, "
            "min(slot) AS first_slot, max(slot) AS last_slot "
            "FROM hits GROUP BY index_id, companion_id, cell_id",
        )
    )
    source = "pair_cells"
    if threshold is not None:
        # The clause only removes cells, so a pair sharing fewer than min_slots slots in all
        # cells together can never qualify: most co-occurrences are passers-by sharing one
        # slot, and dropping them first keeps the clause's steps small (over 14 days of raw
        # pings, carrying them ran out of 1 GB).
        steps.append(
            (
                "candidates",
                "SELECT c.* FROM pair_cells c JOIN ("
                "SELECT index_id, companion_id FROM pair_cells GROUP BY index_id, companion_id "
                f"HAVING sum(n) >= {params.min_slots:d}) k "
                "ON c.index_id = k.index_id AND c.companion_id = k.companion_id",
            )
        )
        # Cell hours are needed only for (person, cell) pairs of some candidate cell: joining
        # on them first leaves little to count, instead of de-duplicating every slot of every
        # person in the index persons' cells over the window.
        steps.append(
            (
                "needed",
                "SELECT index_id AS person_id, cell_id FROM candidates "
                "UNION SELECT companion_id AS person_id, cell_id FROM candidates",
            )
        )
        if shape.store and shape.occ_distinct:
            # Store slots are the query slots: the per-day counts add up exactly.
            heavy = (
                f"SELECT c.person_id, c.cell_id FROM {p}person_cells c "
                "JOIN needed n ON c.person_id = n.person_id AND c.cell_id = n.cell_id "
                "WHERE c.cell_id IN (SELECT cell_id FROM idx_cells) "
                f"GROUP BY c.person_id, c.cell_id HAVING sum(c.slots) > {threshold:d}"
            )
        else:
            heavy = (
                f"SELECT o.person_id, o.cell_id FROM {p}occ o "
                "JOIN needed n ON o.person_id = n.person_id AND o.cell_id = n.cell_id "
                "WHERE o.cell_id IN (SELECT cell_id FROM idx_cells) "
                f"GROUP BY o.person_id, o.cell_id HAVING count(DISTINCT o.slot) > {threshold:d}"
            )
        steps.append(("heavy", heavy))
        # heavy is unique on (person_id, cell_id), so the left joins add no rows.
        steps.append(
            (
                "qualified",
                "SELECT c.* FROM candidates c "
                "LEFT JOIN heavy hi ON hi.person_id = c.index_id AND hi.cell_id = c.cell_id "
                "LEFT JOIN heavy hc ON hc.person_id = c.companion_id AND hc.cell_id = c.cell_id "
                "WHERE hi.person_id IS NOT NULL OR hc.person_id IS NOT NULL",
            )
        )
        source = "qualified"

    cells = dialect.sorted_list.format(c="cell_id")
    final = (
        "SELECT index_id AS index_person_id, companion_id, "
        "CAST(sum(n) AS BIGINT) AS shared_slots, "
        "CAST(min(first_slot) AS BIGINT) AS first_slot, "
        "CAST(max(last_slot) AS BIGINT) AS last_slot, "
        f"{cells} AS cells "
        f"FROM {source} GROUP BY index_id, companion_id "
        f"HAVING sum(n) >= {params.min_slots:d} "
        "ORDER BY index_person_id, companion_id"
    )
    ctes = ",\n".join(f"{name} AS ({sql})" for name, sql in steps)
    return f"WITH {ctes}\n{final}"


def slot_of(dialect: Dialect, micros_expr: str, slot_us: int) -> str:
    """SQL for the slot number of a non-negative epoch-microseconds expression."""
    return dialect.int_div.format(a=micros_expr, b=f"{slot_us:d}")
