from __future__ import annotations

from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.task_list, name="task_list"),
    path("records/", views.record_list, name="record_list"),
    path("findings/", views.finding_list, name="finding_list"),
    path("accountability/", views.accountability_list, name="accountability_list"),
]
