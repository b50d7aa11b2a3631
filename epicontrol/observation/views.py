"""Observation pages (phone-first for grid workers): parse → selector/service → render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epicontrol.core.errors import DomainError, NotFound
from epicontrol.core.pagination import capped_count
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction
from epicontrol.people.selectors import person_list

from . import selectors, services
from .choices import (
    AlertKind,
    AlertStatus,
    Category,
    Kind,
    NeedStatus,
    SiteCategory,
    Status,
    Transition,
)
from .forms import (
    CheckForm,
    CloseForm,
    DesignationForm,
    ExtendForm,
    LabTestForm,
    NeedForm,
    NeedHandleForm,
    ReleaseForm,
    ReplanForm,
    RoomAssignForm,
    RoomForm,
    SiteForm,
    StartForm,
    TransferForm,
)
from .models import Observation, Room
from .permissions import COMMAND_ROLES, FIELD_ROLES, SITE_ROLES, has_any_role


def _get(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except NotFound:
        raise Http404 from None


def _slot_label(slot: int, per_day: int) -> str:
    if per_day == 2:
        return (
            pgettext("observation", "Morning") if slot == 1 else pgettext("observation", "Evening")
        )
    return pgettext("observation", "Check %(n)s") % {"n": slot}


def _query(request: HttpRequest, *drop: str) -> str:
    """The current filters as a query string ending in "&" (for pagination links)."""
    params = request.GET.copy()
    for key in ("page", *drop):
        params.pop(key, None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


def _capped_page(request: HttpRequest, qs: Any, per_page: int = 50) -> dict[str, Any]:
    """One page of ``qs`` and a count capped at 10,000 (exact counts of a province's rows cost
    more than the page)."""
    try:
        number = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        number = 1
    start = (number - 1) * per_page
    rows = list(qs[start : start + per_page + 1])
    count, exact = capped_count(qs)
    return {
        "rows": rows[:per_page],
        "number": number,
        "has_next": len(rows) > per_page,
        "has_previous": number > 1,
        "count": count,
        "exact": exact,
    }


# --- lists -----------------------------------------------------------------------------------


FILTERS = ("status", "kind", "category", "q", "jurisdiction", "ended_on", "cleared")


@require_GET
@login_required
def observation_list(request: HttpRequest) -> HttpResponse:
    """Today's due checks first (the grid worker's day), then due releases; with any filter,
    the filtered list of all observations."""
    user = request.user
    today = timezone.localdate()
    filtered = any(request.GET.get(k) for k in FILTERS)
    context: dict[str, Any] = {
        "today": today,
        "filtered": filtered,
        "can_start": has_any_role(user, FIELD_ROLES),
        "can_replan": has_any_role(user, COMMAND_ROLES),
        "statuses": Status.choices,
        "kinds": Kind.choices,
        "categories": Category.choices,
        "querystring_base": _query(request),
    }
    if filtered:
        ended_on = None
        try:
            if request.GET.get("ended_on"):
                ended_on = dt.date.fromisoformat(request.GET["ended_on"])
        except ValueError:
            ended_on = None
        qs = selectors.observation_list(
            user=user,
            status=request.GET.get("status") or None,
            kind=request.GET.get("kind") or None,
            category=request.GET.get("category") or None,
            q=request.GET.get("q") or None,
            jurisdiction=request.GET.get("jurisdiction") or None,
            ended_on=ended_on,
            cleared=True if request.GET.get("cleared") else None,
        )
        context["pg"] = _capped_page(request, qs)
    else:
        show_done = bool(request.GET.get("done"))
        due = selectors.due_today(user=user, day=today, done=show_done)
        context["due"] = _capped_page(request, due)
        context["show_done"] = show_done
        context["pending_count"] = (
            capped_count(selectors.due_today(user=user, day=today))
            if show_done
            else (context["due"]["count"], context["due"]["exact"])
        )
        context["done_count"] = capped_count(selectors.due_today(user=user, day=today, done=True))
        context["release_due"] = list(selectors.due_for_release(user=user, day=today)[:20])
    return render(request, "observation/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def observation_start(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_any_role(user, FIELD_ROLES):
        raise Http404
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = list(person_list(user=user, id_number=data["id_number"])[:2])
        if len(matches) != 1:
            form.add_error(
                "id_number", pgettext("observation", "No person with this ID number in your area.")
            )
        else:
            try:
                obs = services.observation_start(
                    actor=user,
                    person=matches[0],
                    category=data["category"],
                    anchor_date=data["anchor_date"],
                    kind=data["kind"] or None,
                    note=data["note"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, pgettext("observation", "Observation started."))
                return redirect("observation:detail", pk=obs.pk)
    return render(request, "observation/start.html", {"form": form})


# --- one observation ---------------------------------------------------------------------------


def _detail_context(request: HttpRequest, obs: Observation) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    days = selectors.plan_days(obs)
    room = selectors.current_assignment(obs)
    active = obs.status == Status.ACTIVE
    return {
        "obs": obs,
        "days": days,
        "slot_labels": [
            _slot_label(s, obs.checks_per_day) for s in range(1, obs.checks_per_day + 1)
        ],
        "tests": list(obs.tests.all()),
        "alerts": list(obs.alerts.all()[:20]),
        "extensions": list(obs.extensions.all()),
        "transfer": getattr(obs, "transfer", None) if obs.status == Status.TRANSFERRED else None,
        "needs": list(selectors.need_list(user=user, status="all", observation=obs.pk)[:20]),
        "room": room,
        "active": active,
        "can_act": active and has_any_role(user, FIELD_ROLES),
        "blockers": services.release_blockers(obs, today) if active else [],
        "checks_due_today": active and obs.checks_from <= today <= obs.end_date,
        "test_form": LabTestForm(initial={"sample_date": today}),
        "release_form": ReleaseForm(initial={"on": today}),
        "extend_form": ExtendForm(),
        "transfer_form": TransferForm(facilities=selectors.transfer_facilities(user=user)),
        "close_form": CloseForm(),
        "need_form": NeedForm(),
        "room_form": (
            RoomAssignForm(rooms=selectors.free_rooms(user=user, observation=obs))
            if active and obs.kind_on(max(today, obs.start_date)) == Kind.CENTRALISED_ISOLATION
            else None
        ),
        "today": today,
    }


@require_GET
@login_required
def observation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obs = _get(selectors.observation_get, user=request.user, pk=pk)
    return render(request, "observation/detail.html", _detail_context(request, obs))


@require_http_methods(["GET", "POST"])
@login_required
def check_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Today's checks of one observation: one form per slot (two a day: morning and evening)."""
    user = request.user
    obs = _get(selectors.observation_get, user=user, pk=pk)
    today = timezone.localdate()
    posted = CheckForm(request.POST) if request.method == "POST" else None
    if posted is not None:
        if posted.is_valid():
            data = posted.cleaned_data
            try:
                check = services.check_record(
                    actor=user,
                    observation=obs,
                    slot=data["slot"],
                    temperature_c=data["temperature_c"],
                    symptoms=data["symptoms"],
                    note=data["note"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                label = _slot_label(check.slot, obs.checks_per_day)
                if check.temperature_c >= obs.fever_threshold_c:
                    messages.warning(
                        request,
                        pgettext(
                            "observation",
                            "%(slot)s check recorded: fever %(t)s °C — an alert was raised.",
                        )
                        % {"slot": label, "t": check.temperature_c},
                    )
                else:
                    messages.success(
                        request,
                        pgettext("observation", "%(slot)s check recorded.") % {"slot": label},
                    )
                return redirect("observation:check", pk=obs.pk)
        else:
            messages.error(
                request, pgettext("observation", "Enter a temperature between 34.0 and 43.0 °C.")
            )
    slots = []
    for row in selectors.slots_of_day(obs, today):
        slot = row["slot"]
        slots.append(
            {
                "slot": slot,
                "label": _slot_label(slot, obs.checks_per_day),
                "check": row["check"],
                "form": CheckForm(initial={"slot": slot}, auto_id=f"s{slot}_%s")
                if row["check"] is None
                else None,
            }
        )
    due = obs.status == Status.ACTIVE and obs.start_date <= today <= obs.end_date
    return render(
        request,
        "observation/check.html",
        {"obs": obs, "slots": slots, "today": today, "due": due},
    )


@require_POST
@login_required
def observation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The POST forms of the detail page: release, extend, transfer, close, test, room, need."""
    user = request.user
    obs = _get(selectors.observation_get, user=user, pk=pk)
    try:
        done = _act(request, obs, action)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if done:
            messages.success(request, done)
    if (
        action == Transition.RELEASE
        and obs.pk
        and Observation.objects.filter(pk=obs.pk, status=Status.RELEASED).exists()
    ):
        return redirect("observation:notice", pk=obs.pk)
    return redirect("observation:detail", pk=obs.pk)


def _act(request: HttpRequest, obs: Observation, action: str) -> str | None:
    user = request.user
    post = request.POST
    if action == Transition.RELEASE:
        form: Any = ReleaseForm(post)
        if form.is_valid():
            services.observation_release(
                actor=user,
                observation=obs,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["reason"],
            )
            return pgettext("observation", "Released from medical observation.")
    elif action == Transition.EXTEND:
        form = ExtendForm(post)
        if form.is_valid():
            services.observation_extend(
                actor=user,
                observation=obs,
                new_end_date=form.cleaned_data["new_end_date"],
                reason=form.cleaned_data["reason"],
            )
            return pgettext("observation", "Observation extended.")
    elif action == Transition.TRANSFER:
        form = TransferForm(post, facilities=selectors.transfer_facilities(user=user))
        if form.is_valid():
            services.observation_transfer(
                actor=user,
                observation=obs,
                facility=form.cleaned_data["facility"],
                note=form.cleaned_data["reason"],
            )
            return pgettext("observation", "Transferred to the designated hospital.")
    elif action == Transition.CLOSE:
        form = CloseForm(post)
        if form.is_valid():
            services.observation_close(
                actor=user, observation=obs, reason=form.cleaned_data["reason"]
            )
            return pgettext("observation", "Observation closed.")
    elif action == "test":
        form = LabTestForm(post)
        if form.is_valid():
            services.lab_test_record(actor=user, observation=obs, **form.cleaned_data)
            return pgettext("observation", "Test recorded.")
    elif action == "room":
        rooms = selectors.free_rooms(user=user, observation=obs)
        form = RoomAssignForm(post, rooms=rooms)
        if form.is_valid():
            room = Room.objects.visible_to(user).filter(pk=form.cleaned_data["room"]).first()
            if room is None:
                raise Http404
            services.room_assign(actor=user, observation=obs, room=room)
            return pgettext("observation", "Room assigned.")
    elif action == "need":
        form = NeedForm(post)
        if form.is_valid():
            services.need_create(actor=user, observation=obs, **form.cleaned_data)
            return pgettext("observation", "Request recorded.")
    else:
        raise Http404
    messages.error(
        request,
        pgettext("observation", "Please correct the form: %(errors)s") % {"errors": _errors(form)},
    )
    return None


def _errors(form: Any) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else ''} {' '.join(e)}".strip()
        for f, e in form.errors.items()
    )


@require_GET
@login_required
def release_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """解除医学观察告知书: a printable page (print CSS, A4)."""
    obs = _get(selectors.observation_get, user=request.user, pk=pk)
    if obs.status != Status.RELEASED:
        raise Http404
    return render(request, "observation/notice.html", {"obs": obs})


# --- alerts ----------------------------------------------------------------------------------


@require_GET
@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or "open"
    kind = request.GET.get("kind") or None
    qs = selectors.alert_list(
        user=request.user,
        status=status,
        kind=kind,
        mine=bool(request.GET.get("mine")),
        jurisdiction=request.GET.get("jurisdiction") or None,
    )
    return render(
        request,
        "observation/alerts.html",
        {
            "pg": _capped_page(request, qs),
            "status": status,
            "kind": kind or "",
            "kinds": AlertKind.choices,
            "statuses": [
                ("open", pgettext("observation", "Not resolved")),
                *AlertStatus.choices,
                ("all", pgettext("observation", "All")),
            ],
            "can_act": has_any_role(request.user, FIELD_ROLES),
            "querystring_base": _query(request),
        },
    )


@require_POST
@login_required
def alert_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    alert = _get(selectors.alert_get, user=request.user, pk=pk)
    if action not in ("acknowledge", "resolve"):
        raise Http404
    try:
        services.alert_transition(
            actor=request.user, alert=alert, action=action, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    nxt = request.POST.get("next") or ""
    if nxt.startswith("/observation/"):
        return redirect(nxt)
    return redirect("observation:alerts")


# --- re-plan ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def replan(request: HttpRequest) -> HttpResponse:
    """Preview which end dates and test days change under a new edition; apply in one go."""
    user = request.user
    if not has_any_role(user, COMMAND_ROLES):
        raise Http404
    form = ReplanForm(request.POST if request.method == "POST" else request.GET or None)
    preview = None
    if form.is_bound and form.is_valid():
        as_of = form.cleaned_data["as_of"] or timezone.localdate()
        category = form.cleaned_data["category"] or None
        try:
            if request.method == "POST":
                record, _preview = services.replan_apply(
                    actor=user, as_of=as_of, category=category, token=request.POST.get("token")
                )
                messages.success(
                    request,
                    pgettext(
                        "observation",
                        "Re-planned %(n)s observations under %(policy)s (%(skipped)s left as "
                        "they were).",
                    )
                    % {
                        "n": record.changed,
                        "policy": record.target_version.name,
                        "skipped": record.skipped,
                    },
                )
                return redirect(f"{reverse('observation:replan')}?as_of={as_of.isoformat()}")
            preview = services.replan_preview(actor=user, as_of=as_of, category=category)
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "observation/replan.html", {"form": form, "preview": preview})


# --- living needs ------------------------------------------------------------------------------


@require_GET
@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or NeedStatus.OPEN
    qs = selectors.need_list(user=request.user, status=status)
    return render(
        request,
        "observation/needs.html",
        {
            "pg": _capped_page(request, qs),
            "status": status,
            "statuses": [*NeedStatus.choices, ("all", pgettext("observation", "All"))],
            "can_act": has_any_role(request.user, FIELD_ROLES),
            "handle_form": NeedHandleForm(),
            "querystring_base": _query(request),
        },
    )


@require_POST
@login_required
def need_handle(request: HttpRequest, pk: int) -> HttpResponse:
    need = _get(selectors.need_get, user=request.user, pk=pk)
    form = NeedHandleForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.need_handle(actor=request.user, need=need, note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, pgettext("observation", "Marked as handled."))
    return redirect("observation:needs")


# --- isolation sites ---------------------------------------------------------------------------


def _site_jurisdictions(user: Any) -> list[Jurisdiction]:
    scope = scope_of(user)
    codes = [p.rstrip("/").rsplit("/", 1)[-1] for p in scope.paths]
    return list(Jurisdiction.objects.filter(code__in=codes).order_by("code"))


@require_http_methods(["GET", "POST"])
@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_manage = has_any_role(user, SITE_ROLES)
    form = SiteForm(
        request.POST if request.method == "POST" else None,
        jurisdictions=_site_jurisdictions(user),
    )
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                site = services.site_create(
                    actor=user,
                    jurisdiction=Jurisdiction.objects.get(code=data["jurisdiction"]),
                    name=data["name"],
                    category=data["category"] or None,
                    address=data["address"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, pgettext("observation", "Isolation site created."))
                return redirect("observation:site", pk=site.pk)
    sites = list(selectors.site_list(user=user)[:200])
    return render(
        request,
        "observation/sites.html",
        {"sites": sites, "form": form, "can_manage": can_manage},
    )


@require_http_methods(["GET", "POST"])
@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    site = _get(selectors.site_get, user=user, pk=pk)
    can_manage = has_any_role(user, SITE_ROLES)
    room_form = RoomForm(request.POST if request.POST.get("form") == "room" else None)
    designation = getattr(site, "designation", None) if hasattr(site, "designation") else None
    designation_form = DesignationForm(
        request.POST if request.POST.get("form") == "designation" else None,
        initial={"category": designation.category if designation else ""},
    )
    if request.method == "POST":
        if not can_manage:
            raise Http404
        try:
            if request.POST.get("form") == "room" and room_form.is_valid():
                services.room_create(actor=user, site=site, **room_form.cleaned_data)
                messages.success(request, pgettext("observation", "Room added."))
                return redirect("observation:site", pk=site.pk)
            if request.POST.get("form") == "designation" and designation_form.is_valid():
                services.site_designate(
                    actor=user,
                    site=site,
                    category=designation_form.cleaned_data["category"] or None,
                )
                messages.success(request, pgettext("observation", "Designation saved."))
                return redirect("observation:site", pk=site.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    rooms = list(selectors.site_rooms(site=site))
    return render(
        request,
        "observation/site.html",
        {
            "site": site,
            "designation": designation,
            "rooms": rooms,
            "roster": list(selectors.site_roster(site=site)),
            "room_form": room_form,
            "designation_form": designation_form,
            "can_manage": can_manage,
            "separation": services.separation_required(timezone.localdate()),
            "site_categories": SiteCategory.choices,
        },
    )
