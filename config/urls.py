"""URL map: the admin, the API under /api/v1/, i18n switching, and each app's pages.

Apps of later modules are mounted automatically when they have a ``urls.py`` (one prefix per
app, the app label), so adding a module never edits this file.
"""

from __future__ import annotations

from importlib.util import find_spec

from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from epicontrol.core import views as core_views

from .api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

for config in apps.get_app_configs():
    if config.name.startswith("epicontrol.") and find_spec(f"{config.name}.urls") is not None:
        urlpatterns.append(path(f"{config.label}/", include(f"{config.name}.urls")))
