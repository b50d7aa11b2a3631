from __future__ import annotations

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_home, name="dashboard_home"),
    path("rows/", views.report_rows, name="rows"),
    path("import/", views.import_page, name="import"),
    path("<str:code>/", views.dashboard, name="dashboard"),
    path("<str:code>/daily/", views.daily_report, name="daily"),
    path("<str:code>/reconciliation/", views.reconciliation_page, name="reconciliation"),
    path("<str:code>/submit/", views.submit_page, name="submit"),
    path("<str:code>/population/", views.population_page, name="population"),
]
