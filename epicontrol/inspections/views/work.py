"""Pages for the inspecting side: home, groups, checklists, plans and tasks."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from epicontrol.accounts.models import User
from epicontrol.core.errors import DomainError
from epicontrol.core.scoping import path_condition, scope_of
from epicontrol.inspections import selectors
from epicontrol.inspections.choices import TargetType, TaskStatus
from epicontrol.inspections.forms import GroupForm, PlanForm, TemplateReviseForm, parse_day
from epicontrol.inspections.models import SupervisionGroup, member_group_ids
from epicontrol.inspections.permissions import (
    can_revise_templates,
    is_group_member,
    is_inspecting_side,
)
from epicontrol.inspections.rankings import home_jurisdiction
from epicontrol.inspections.scoring import Rule
from epicontrol.inspections.services.groups import group_create
from epicontrol.inspections.services.plans import plan_create
from epicontrol.inspections.services.templates import template_revise
from epicontrol.inspections.targets import Target
from epicontrol.jurisdictions.choices import Level
from epicontrol.jurisdictions.models import Jurisdiction, Unit

from .common import capped_page, list_template, not_found_as_404, querystring_base


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Today's work: my groups' planned tasks, and the figures of my area."""
    today = timezone.localdate()
    mine = member_group_ids(request.user)
    my_tasks = (
        selectors.task_list(user=request.user, status=TaskStatus.PLANNED)
        .filter(group_id__in=mine, scheduled_on__lte=today)
        .order_by("scheduled_on", "id")[:30]
        if mine
        else []
    )
    jurisdiction = home_jurisdiction(request.user)
    figures = selectors.dashboard_figures(user=request.user, jurisdiction=jurisdiction, day=today)
    return render(
        request,
        "inspections/home.html",
        {
            "my_tasks": my_tasks,
            "figures": figures,
            "jurisdiction": jurisdiction,
            "today": today,
            "is_member": bool(mine),
        },
    )


# Groups ---------------------------------------------------------------------------------------


@require_GET
@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    page = capped_page(request, selectors.group_list(user=request.user))
    return render(
        request,
        "inspections/group_list.html",
        {"page": page, "querystring_base": querystring_base(request)},
    )


@require_GET
@login_required
@not_found_as_404
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get(user=request.user, pk=pk)
    tasks = selectors.task_list(user=request.user, group=group.pk)[:20]
    plans = selectors.plan_list(user=request.user, group=group.pk)[:20]
    return render(
        request,
        "inspections/group_detail.html",
        {
            "group": group,
            "tasks": tasks,
            "plans": plans,
            "can_plan": is_inspecting_side(
                request.user, group_id=group.pk, command_path=group.command_path
            ),
        },
    )


def _command_jurisdictions(user: Any) -> Any:
    scope = scope_of(user)
    qs = Jurisdiction.objects.filter(
        level__in=(Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP)
    )
    if scope.everything:
        return qs.filter(level=Level.PROVINCE)
    return qs.filter(path__in=scope.paths)


@require_http_methods(["GET", "POST"])
@login_required
def group_create_view(request: HttpRequest) -> HttpResponse:
    commands = _command_jurisdictions(request.user)
    users = User.objects.filter(is_active=True).order_by("username")
    form = GroupForm(
        request.POST or None,
        commands=commands,
        users=users,
        initial={"starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            group = group_create(
                actor=request.user,
                name=d["name"],
                command_jurisdiction=d["command"],
                leader=d["leader"],
                members=d["member_usernames"],
                targets=d["target_codes"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                notes=d["notes"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Supervision group dispatched."))
            return redirect("inspections:group_detail", pk=group.pk)
    return render(request, "inspections/group_form.html", {"form": form})


# Checklists -----------------------------------------------------------------------------------


@require_GET
@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    templates = selectors.template_list(
        user=request.user,
        target_type=request.GET.get("target_type") or None,
        include_old=request.GET.get("all") == "1",
    )
    return render(
        request,
        "inspections/template_list.html",
        {
            "templates": templates,
            "target_types": TargetType.choices,
            "can_revise": can_revise_templates(request.user),
        },
    )


@require_GET
@login_required
@not_found_as_404
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get(user=request.user, pk=pk)
    items = [(i, Rule.parse(i.rule)) for i in template.items.all()]
    return render(
        request,
        "inspections/template_detail.html",
        {
            "template": template,
            "items": items,
            "can_revise": can_revise_templates(request.user) and template.is_current,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@not_found_as_404
def template_revise_view(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get(user=request.user, pk=pk)
    items = [
        {
            "code": i.code,
            "category": i.category,
            "text": i.text,
            "method": i.method,
            "evidence_required": i.evidence_required,
            "rule": i.rule,
            "veto": i.veto,
            "severity": i.severity,
        }
        for i in template.items.all()
    ]
    form = TemplateReviseForm(
        request.POST or None,
        initial={
            "name": template.name,
            "pass_percent": template.pass_percent,
            "base_score": template.base_score,
            "items": json.dumps(items, ensure_ascii=False, indent=1),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            revised = template_revise(
                actor=request.user,
                template=template,
                name=d["name"],
                pass_percent=d["pass_percent"],
                base_score=d["base_score"],
                items=d["items"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if revised.pk != template.pk:
                messages.success(
                    request,
                    _("The checklist was in use: version %(v)s created.") % {"v": revised.version},
                )
            else:
                messages.success(request, _("Checklist saved."))
            return redirect("inspections:template_detail", pk=revised.pk)
    return render(request, "inspections/template_revise.html", {"template": template, "form": form})


# Plans ----------------------------------------------------------------------------------------


@require_GET
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    page = capped_page(request, selectors.plan_list(user=request.user))
    return render(
        request,
        "inspections/plan_list.html",
        {"page": page, "querystring_base": querystring_base(request)},
    )


@require_GET
@login_required
@not_found_as_404
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    tasks = selectors.task_list(user=request.user).filter(plan=plan)[:30]
    return render(request, "inspections/plan_detail.html", {"plan": plan, "tasks": tasks})


def target_choices(group: SupervisionGroup) -> list[Any]:
    """Targets offered for a group's plans: communities and units in its areas (townships can
    be given by code; a whole province's townships would make an unusable list)."""
    paths = tuple(t.path for t in group.targets.all())
    communities = Jurisdiction.objects.filter(
        path_condition("path", paths), level=Level.COMMUNITY
    ).order_by("path")[:300]
    units = (
        Unit.objects.filter(
            path_condition("jurisdiction__path", paths), is_active=True, kind__in=TargetType.values
        )
        .select_related("jurisdiction")
        .order_by("kind", "name")[:500]
    )
    kinds = dict(TargetType.choices)
    choices: list[Any] = [
        (str(_("Communities")), [(f"j:{j.code}", f"{j.name} ({j.code})") for j in communities])
    ]
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for u in units:
        by_kind.setdefault(str(kinds[u.kind]), []).append(
            (f"u:{u.pk}", f"{u.name} · {u.jurisdiction.name}")
        )
    choices += sorted(by_kind.items())
    return choices


def _targets_from(values: list[str], other_codes: str) -> list[Target]:
    targets: list[Target] = []
    codes = [v[2:] for v in values if v.startswith("j:")]
    codes += [c for c in other_codes.replace("，", ",").replace(" ", ",").split(",") if c]
    for j in Jurisdiction.objects.filter(code__in=codes):
        targets.append(Target(jurisdiction=j))
    unit_ids = [int(v[2:]) for v in values if v.startswith("u:") and v[2:].isdigit()]
    for u in Unit.objects.filter(pk__in=unit_ids).select_related("jurisdiction"):
        targets.append(Target.of_unit(u))
    return targets


@require_http_methods(["GET", "POST"])
@login_required
@not_found_as_404
def plan_create_view(request: HttpRequest, group_pk: int) -> HttpResponse:
    group = selectors.group_get(user=request.user, pk=group_pk)
    form = PlanForm(
        request.POST or None,
        group=group,
        target_choices=target_choices(group),
        initial={"starts_on": timezone.localdate(), "unannounced": True, "recurrence": "once"},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        targets = _targets_from(d["targets"], d["other_codes"])
        if not targets:
            form.add_error("other_codes", _("Unknown division codes."))
            return render(request, "inspections/plan_form.html", {"form": form, "group": group})
        try:
            plan = plan_create(
                actor=request.user,
                group=group,
                template=d["template"],
                name=d["name"],
                targets=targets,
                recurrence=d["recurrence"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                unannounced=d["unannounced"],
                notes=d["notes"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("inspections:plan_detail", pk=plan.pk)
    return render(request, "inspections/plan_form.html", {"form": form, "group": group})


# Tasks ----------------------------------------------------------------------------------------


@require_GET
@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = selectors.task_list(
        user=request.user,
        day=parse_day(g.get("day")),
        date_from=parse_day(g.get("date_from")),
        date_to=parse_day(g.get("date_to")),
        status=g.get("status") or None,
        jurisdiction=g.get("jurisdiction") or None,
        group=int(g["group"]) if (g.get("group") or "").isdigit() else None,
        target_type=g.get("target_type") or None,
    )
    page = capped_page(request, qs)
    template = list_template(request, "inspections/task_list.html")
    return render(
        request,
        template,
        {
            "page": page,
            "querystring_base": querystring_base(request),
            "statuses": TaskStatus.choices,
            "filters": g,
        },
    )


@require_GET
@login_required
@not_found_as_404
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)
    record = task.records.filter(is_current=True).first()
    return render(
        request,
        "inspections/task_detail.html",
        {
            "task": task,
            "record": record,
            "can_inspect": task.status == TaskStatus.PLANNED
            and is_group_member(request.user, group_id=task.group_id),
        },
    )
