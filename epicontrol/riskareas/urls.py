from __future__ import annotations

from django.urls import path

from . import views

app_name = "riskareas"
urlpatterns = [
    path("", views.level_list, name="list"),
    path("compute/", views.compute, name="compute"),
    path("overrides/", views.override_list, name="overrides"),
    path("overrides/<int:pk>/", views.override_detail, name="override"),
    path("<str:code>/", views.county_detail, name="county"),
    path("<str:code>/override/", views.override_propose, name="propose"),
]
