from __future__ import annotations

from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("", views.entry_list, name="entries"),
    path("export", views.entry_export, name="export"),
    path("register", views.register, name="register"),
    path("register/check", views.register_check, name="register_check"),
    path("entries/<int:pk>", views.entry_detail, name="entry_detail"),
    path("import", views.import_ledger, name="import"),
    path("import/template.xlsx", views.import_template, name="template"),
    path("daily", views.daily_report, name="daily_report"),
    path("rollup", views.rollup_view, name="rollup"),
    path("completeness", views.completeness_view, name="completeness"),
    path("categories", views.categories, name="categories"),
]
