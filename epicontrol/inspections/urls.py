from __future__ import annotations

from django.urls import path

from .views import findings, records, reports, work

app_name = "inspections"
urlpatterns = [
    path("", work.home, name="home"),
    path("groups/", work.group_list, name="group_list"),
    path("groups/new/", work.group_create_view, name="group_create"),
    path("groups/<int:pk>/", work.group_detail, name="group_detail"),
    path("groups/<int:group_pk>/plans/new/", work.plan_create_view, name="plan_create"),
    path("checklists/", work.template_list, name="template_list"),
    path("checklists/<int:pk>/", work.template_detail, name="template_detail"),
    path("checklists/<int:pk>/revise/", work.template_revise_view, name="template_revise"),
    path("plans/", work.plan_list, name="plan_list"),
    path("plans/<int:pk>/", work.plan_detail, name="plan_detail"),
    path("tasks/", work.task_list, name="task_list"),
    path("tasks/<int:pk>/", work.task_detail, name="task_detail"),
    path("tasks/<int:pk>/inspect/", records.inspect, name="inspect"),
    path("records/", records.record_list, name="record_list"),
    path("records/<int:pk>/", records.record_detail, name="record_detail"),
    path("records/<int:pk>/correct/", records.record_correct_view, name="record_correct"),
    path("findings/", findings.finding_list, name="finding_list"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/letter/", findings.finding_letter, name="finding_letter"),
    path("findings/<int:pk>/letter.pdf", findings.finding_letter_pdf, name="finding_letter_pdf"),
    path(
        "findings/<int:pk>/accountability/",
        findings.accountability_create_view,
        name="accountability_create",
    ),
    path("findings/<int:pk>/act/<str:action>/", findings.finding_act, name="finding_act"),
    path("accountability/", findings.accountability_list, name="accountability_list"),
    path("photos/<int:pk>/", findings.photo, name="photo"),
    path("scores/", reports.scores, name="scores"),
    path("assessment/", reports.assessment, name="assessment"),
    path("bulletin/", reports.bulletin, name="bulletin"),
    path("bulletin.pdf", reports.bulletin_pdf, name="bulletin_pdf"),
]
