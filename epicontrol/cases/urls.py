from __future__ import annotations

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/action/<str:action>/", views.case_action, name="case_action"),
    path("<int:pk>/revisit/", views.case_revisit, name="case_revisit"),
    path("<int:pk>/cluster/", views.case_cluster, name="case_cluster"),
    path("facilities/", views.facility_list, name="facility_list"),
]
