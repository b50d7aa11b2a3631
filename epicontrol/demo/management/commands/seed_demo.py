from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from epicontrol.core.policy import seed_policy_versions
from epicontrol.demo.personas import DEMO_PASSWORD, PERSONAS, seed_personas


class Command(BaseCommand):
    help = (
        "Load the demo scenario (Hunan, February 2020): personas as logins, then each module's "
        "demo data (an app's demo.py with seed(context)). Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        seed_policy_versions()
        context = seed_personas()
        for config in apps.get_app_configs():
            if (
                config.name.startswith("epicontrol.")
                and find_spec(f"{config.name}.demo") is not None
            ):
                module = import_module(f"{config.name}.demo")
                summary = module.seed(context)
                self.stdout.write(f"  {config.label}: {summary}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for p in PERSONAS:
            self.stdout.write(f"  {p.username:<11} {p.role:<20} {p.display_name}  — {p.note}")
        self.stdout.write(f"  {'admin':<11} {'superuser':<20} Django admin at /admin/")
