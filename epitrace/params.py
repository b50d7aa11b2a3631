"""Parameters of the co-location rule, validated on construction.

Time convention: timestamps are naive wall-clock times of the jurisdiction (for China,
Asia/Shanghai); days, windows and slots are computed on that wall clock. A slot is the half-open
interval ``[k * slot, (k + 1) * slot)`` counted from 1970-01-01 00:00, so slots start at midnight
and never straddle two days (``slot_minutes`` must divide 1440).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from epitrace.errors import ParamsError

EPOCH = date(1970, 1, 1)
MINUTES_PER_DAY = 24 * 60
MICROS_PER_MINUTE = 60_000_000
MICROS_PER_DAY = MINUTES_PER_DAY * MICROS_PER_MINUTE
DEFAULT_WINDOW_DAYS = 14


def _require_int(value: object, *, field: str, minimum: int) -> int:
    # bool is an int subclass; True as "slot minutes" is a bug, not a 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParamsError(f"must be an integer, got {value!r}", field=field)
    if value < minimum:
        raise ParamsError(f"must be at least {minimum}, got {value}", field=field)
    return value


def day_start_us(day: date) -> int:
    """Microseconds from 1970-01-01 00:00 to the start of ``day`` (wall clock)."""
    return (day - EPOCH).days * MICROS_PER_DAY


def check_slot_minutes(value: object, *, field: str = "slot_minutes") -> int:
    """Validate a slot length: a positive whole number of minutes that divides one day."""
    minutes = _require_int(value, field=field, minimum=1)
    if MINUTES_PER_DAY % minutes != 0:
        raise ParamsError(
            f"must divide 1440 (one day) so that slots never straddle midnight, got {minutes}",
            field=field,
        )
    return minutes


@dataclass(frozen=True, slots=True)
class Window:
    """The look-back window: whole days from ``start`` to ``end``, both included.

    In time it is ``[start 00:00, end + 1 day 00:00)``: a ping at exactly midnight after ``end``
    is outside. Days before 1970-01-01 are rejected (slot arithmetic assumes non-negative epochs).
    """

    start: date
    end: date

    def __post_init__(self) -> None:
        for field in ("start", "end"):
            value = getattr(self, field)
            # datetime is a date subclass; a time of day here would be silently dropped.
            if not isinstance(value, date) or isinstance(value, datetime):
                raise ParamsError(f"must be a date, got {value!r}", field=f"window.{field}")
        if self.start < EPOCH:
            raise ParamsError("must not be before 1970-01-01", field="window.start")
        if self.end < self.start:
            raise ParamsError(f"end {self.end} is before start {self.start}", field="window.end")

    @classmethod
    def lookback(cls, end: date, days: int = DEFAULT_WINDOW_DAYS) -> Window:
        """The ``days`` whole days ending with ``end`` (14 by default, as in domain rule 6.1)."""
        days = _require_int(days, field="window.days", minimum=1)
        return cls(start=end - timedelta(days=days - 1), end=end)

    @property
    def days(self) -> int:
        """Number of days in the window."""
        return (self.end - self.start).days + 1

    def dates(self) -> list[date]:
        """Every day of the window, in order."""
        return [self.start + timedelta(days=i) for i in range(self.days)]

    @property
    def start_us(self) -> int:
        """Inclusive lower bound, microseconds since 1970-01-01 00:00."""
        return day_start_us(self.start)

    @property
    def end_us(self) -> int:
        """Exclusive upper bound, microseconds since 1970-01-01 00:00."""
        return day_start_us(self.end + timedelta(days=1))


@dataclass(frozen=True, slots=True)
class CompanionParams:
    """What makes a time-space companion (时空伴随者), domain rules §6.1.

    A person is a companion of an index person when, within ``window``, they share at least
    ``min_slots`` distinct (cell, slot) pairs with that index person, counting only cells that
    pass the cell-hours clause. With ``min_cell_hours`` set, a shared cell counts for the pair
    only if the index person or the companion spent *more than* ``min_cell_hours`` in that cell
    over the window, where hours spent = distinct slots with a ping in that cell x slot length.
    ``min_cell_hours=None`` switches the clause off.

    ``second_hop`` also reports companions of the (non-index) companions, see ``find_companions``.
    """

    window: Window
    slot_minutes: int = 10
    min_slots: int = 2
    min_cell_hours: float | None = 30.0
    second_hop: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.window, Window):
            raise ParamsError(f"must be a Window, got {self.window!r}", field="window")
        check_slot_minutes(self.slot_minutes)
        _require_int(self.min_slots, field="min_slots", minimum=1)
        hours = self.min_cell_hours
        if hours is not None:
            if isinstance(hours, bool) or not isinstance(hours, int | float):
                raise ParamsError(
                    f"must be a number or None, got {hours!r}", field="min_cell_hours"
                )
            if not math.isfinite(hours) or hours < 0:
                raise ParamsError(
                    f"must be a finite number >= 0, got {hours!r}", field="min_cell_hours"
                )
        if not isinstance(self.second_hop, bool):
            raise ParamsError(f"must be a bool, got {self.second_hop!r}", field="second_hop")

    @property
    def slot_us(self) -> int:
        """Slot length in microseconds."""
        return self.slot_minutes * MICROS_PER_MINUTE

    @property
    def min_cell_slots_exclusive(self) -> int | None:
        """The cell-hours clause as a slot count: a (person, cell) qualifies iff slots > this.

        ``slots * slot_minutes > hours * 60`` holds exactly when ``slots > floor(hours * 60 /
        slot_minutes)`` because ``slots`` is a whole number. The hours are read as the decimal the
        caller wrote (``Fraction(str(h))``), so 0.7 h means 42 minutes, not 41.99999.
        """
        if self.min_cell_hours is None:
            return None
        minutes = Fraction(str(self.min_cell_hours)) * 60
        return math.floor(minutes / self.slot_minutes)
