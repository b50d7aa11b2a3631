from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from epicontrol.core.policy import seed_policy_versions


class Command(BaseCommand):
    help = "Create the seeded policy versions (domain-rules §9) that are missing. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_policy_versions()
        self.stdout.write(f"policy versions created: {created}")
