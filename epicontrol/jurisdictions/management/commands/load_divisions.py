from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from epicontrol.jurisdictions.divisions import load_divisions


class Command(BaseCommand):
    help = (
        "Load the GB/T 2260 division tree (provinces, cities, counties, townships) from the "
        "project's fixture CSVs. Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=None, help="Directory with the CSV files.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = load_divisions(options["dir"])
        elapsed = time.perf_counter() - started
        self.stdout.write(
            "divisions: {total} rows read, {created} created, {updated} updated "
            "({elapsed:.1f} s)".format(elapsed=elapsed, **result)
        )
