"""``manage.py scan_missed_checks [--days N]``: raise missed-check alerts (idempotent).

Run it periodically (hourly from cron or the tasks worker): a daily check slot counts as missed
once its end plus the policy's grace hours has passed with nothing recorded.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from epicontrol.observation.services.alerts import DEFAULT_SCAN_DAYS, scan_missed_checks


class Command(BaseCommand):
    help = "Raise an alert for every missed daily check of an open observation (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_SCAN_DAYS,
            help="How many days back to look (today included); larger for a catch-up run.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raised = scan_missed_checks(days=max(1, options["days"]))
        self.stdout.write(f"missed-check alerts raised: {raised}")
