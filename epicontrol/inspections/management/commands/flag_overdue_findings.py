from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from epicontrol.inspections.services.findings import findings_flag_overdue


class Command(BaseCommand):
    help = "Flag overdue findings and escalate them one level up (通报). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["date"] or timezone.localdate()
        run = findings_flag_overdue(today=day)
        self.stdout.write(f"{day}: {run.flagged} flagged, {run.escalated} escalated")
