from __future__ import annotations

from django.urls import path

from . import views

app_name = "observation"
urlpatterns = [
    path("", views.observation_list, name="list"),
    path("new/", views.observation_start, name="start"),
    path("<int:pk>/", views.observation_detail, name="detail"),
    path("<int:pk>/check/", views.check_form, name="check"),
    path("<int:pk>/notice/", views.release_notice, name="notice"),
    path("<int:pk>/<str:action>/", views.observation_action, name="action"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/<str:action>/", views.alert_action, name="alert_action"),
    path("replan/", views.replan, name="replan"),
    path("needs/", views.need_list, name="needs"),
    path("needs/<int:pk>/handle/", views.need_handle, name="need_handle"),
    path("sites/", views.site_list, name="sites"),
    path("sites/<int:pk>/", views.site_detail, name="site"),
]
