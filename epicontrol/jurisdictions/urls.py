from __future__ import annotations

from django.urls import path

from . import views

app_name = "jurisdictions"
urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/", views.detail, name="detail"),
]
