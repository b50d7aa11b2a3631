from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo scenario (Hunan, February 2020); imports every module, imported by none."""

    name = "epicontrol.demo"
    label = "demo"
