from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from epicontrol.inspections.services.plans import tasks_make_for_day


class Command(BaseCommand):
    help = "Make the day's inspection tasks of the daily plans (每天一督查). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["date"] or timezone.localdate()
        created = tasks_make_for_day(day=day)
        self.stdout.write(f"{day}: {created} task(s) created")
