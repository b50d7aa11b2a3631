"""``manage.py compute_risk_levels [--date YYYY-MM-DD] [--scheme CODE] [--root CODE]``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from epicontrol.core.errors import DomainError
from epicontrol.riskareas.services import risk_levels_compute


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, got {raw!r}") from exc


class Command(BaseCommand):
    help = (
        "Compute the risk level of every county for a day (default today) by each scheme in "
        "force, or one scheme. Idempotent: re-running the same day changes nothing unless the "
        "case records changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, default=None, help="Day (default: today)")
        parser.add_argument("--scheme", default=None, help="One scheme code, e.g. county-2020-02")
        parser.add_argument("--root", default=None, help="Only counties under this division code")
        parser.add_argument(
            "--until", type=_date, default=None, help="Compute every day from --date to this one"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        first = options["date"] or timezone.localdate()
        last = options["until"] or first
        if last < first:
            raise CommandError("--until is before --date")
        day = first
        while day <= last:
            try:
                result = risk_levels_compute(
                    actor=None, day=day, scheme_code=options["scheme"], root_code=options["root"]
                )
            except DomainError as exc:
                raise CommandError(f"{exc.code}: {exc.message}") from exc
            if not result.schemes:
                self.stdout.write(f"{day}: no risk-level scheme in force")
            else:
                self.stdout.write(
                    f"{day}: {result.counties} counties, schemes {', '.join(result.schemes)}; "
                    f"assessments {result.created} new, {result.updated} updated; "
                    f"{result.changes} designation changes"
                )
            day += dt.timedelta(days=1)
