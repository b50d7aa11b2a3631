"""Pages of the cases module: list, detail with timeline, create, actions, facilities.

Thin: parse → selector/service → render. Domain errors become form errors or messages.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epicontrol.core.errors import DomainError, NotFound
from epicontrol.core.pagination import capped_count
from epicontrol.core.policy import PolicyNotFound, protocol_on
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction, Unit
from epicontrol.people import selectors as people_selectors
from epicontrol.people.models import Person

from . import machine, selectors, services
from .choices import Action
from .errors import InvalidCaseField
from .forms import (
    CaseCreateForm,
    CaseFilterForm,
    ClusterForm,
    PersonSearchForm,
    RevisitForm,
    TransitionForm,
)
from .linelist import county_code
from .models import Case, Cluster

PAGE_SIZE = 50
PERSON_FIELDS = (
    "id_type", "id_number", "name", "phone", "address_jurisdiction", "current_address",
    "confirm_new",
)  # fmt: skip
CASE_FIELDS = (
    "classification", "severity", "onset_date", "reported_at", "is_imported", "import_origin",
    "facility", "jurisdiction", "notes",
)  # fmt: skip


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most ``COUNT_CAP`` rows (a province holds 50,000 cases; the page needs 50)."""

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped"):
            self._capped = capped_count(cast("QuerySet[Any]", self.object_list))
        return self._capped[0]

    @property
    def count_exact(self) -> bool:
        self.count  # noqa: B018 - fills the cache
        return self._capped[1]


def _form_error(form: Any, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _get_case(request: HttpRequest, pk: int) -> Case:
    try:
        return selectors.case_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _jurisdiction(code: str, field: str) -> Jurisdiction:
    j = Jurisdiction.objects.filter(code=code.strip()).first()
    if j is None:
        raise NotFound(_("Unknown division code."), code="case.invalid_jurisdiction", field=field)
    return j


def _negative_tests_required(case: Case) -> int:
    """How many test fields the discharge form shows: the most any policy requires on the day
    of the case's last change or today (the service checks the policy of the discharge day)."""
    last = case.events.order_by("-at").values_list("at", flat=True).first()
    days = {timezone.localdate()} | ({timezone.localdate(last)} if last else set())
    required = 0
    for day in days:
        try:
            rule = protocol_on(day).case_discharge or {}
        except PolicyNotFound:
            continue
        required = max(required, int(rule.get("negative_tests") or 0))
    return required


@require_GET
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    facilities = selectors.facility_queryset(user=request.user)
    form = CaseFilterForm(request.GET, facilities=facilities)
    filters = form.filters()
    qs = selectors.case_list(user=request.user, **filters)
    paginator = CappedPaginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    querystring_base = params.urlencode() + "&" if params else ""
    context = {
        "form": form,
        "page": page,
        "count": paginator.count,
        "count_exact": paginator.count_exact,
        "querystring_base": querystring_base,
        "can_write": services.can_write(request.user),
    }
    template = "cases/case_list.html#results" if request.htmx else "cases/case_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_GET
@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    actions = machine.allowed_actions(
        status=case.status, classification=case.classification, admitted=case.is_admitted
    )
    context = {
        "case": case,
        "events": selectors.timeline(case=case),
        "revisits": case.revisits.all(),
        "actions": [(a, Action(a).label) for a in actions],
        "can_write": services.can_write(request.user),
        "can_revisit": case.status in machine.REVISIT_STATUSES,
        "revisit_form": RevisitForm(initial={"date": timezone.localdate()}),
        "cluster_form": ClusterForm(
            clusters=_county_clusters(request, case), initial={"cluster": case.cluster_id}
        ),
        "breadcrumb": case.jurisdiction.ancestors(),
    }
    return render(request, "cases/case_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = _get_case(request, pk)
    if action not in machine.RULES:
        raise Http404
    facilities = selectors.facility_choices(user=request.user, jurisdiction=case.jurisdiction)
    form = TransitionForm(
        request.POST or None,
        action=action,
        facilities=facilities,
        n_tests=_negative_tests_required(case),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_transition(
                actor=request.user,
                case=case,
                action=action,
                at=form.cleaned_data["at"],
                facility=form.cleaned_data.get("facility"),
                severity=form.cleaned_data.get("severity") or None,
                negative_tests=form.negative_tests(),
                note=form.cleaned_data.get("note") or "",
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved: %(action)s.") % {"action": Action(action).label})
            return redirect("cases:case_detail", pk=case.pk)
    legal = machine.refusal(
        action, status=case.status, classification=case.classification, admitted=case.is_admitted
    )
    context = {
        "case": case,
        "form": form,
        "action": action,
        "action_label": Action(action).label,
        "legal": legal is None,
        "can_write": services.can_write(request.user),
    }
    return render(request, "cases/case_action.html", context)


@require_POST
@login_required
def case_revisit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    form = RevisitForm(request.POST)
    if form.is_valid():
        try:
            services.revisit_record(actor=request.user, case=case, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Revisit recorded."))
    else:
        messages.error(request, _("Enter a valid date and result."))
    return redirect("cases:case_detail", pk=case.pk)


def _county_clusters(request: HttpRequest, case: Case) -> QuerySet[Cluster]:
    county = Jurisdiction.objects.filter(code=county_code(case.jurisdiction.path)).first()
    return selectors.cluster_list(user=request.user, jurisdiction=county or case.jurisdiction)


@require_POST
@login_required
def case_cluster(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the case to a cluster of its county, or to a new one (opened in the case's
    jurisdiction)."""
    case = _get_case(request, pk)
    form = ClusterForm(request.POST, clusters=_county_clusters(request, case))
    if not form.is_valid():
        messages.error(request, _("Choose a cluster or name a new one."))
        return redirect("cases:case_detail", pk=case.pk)
    try:
        cluster = form.cleaned_data["cluster"]
        if form.cleaned_data["new_name"]:
            cluster = services.cluster_create(
                actor=request.user,
                jurisdiction=case.jurisdiction,
                name=form.cleaned_data["new_name"],
                setting=form.cleaned_data["setting"],
            )
        services.case_cluster_set(actor=request.user, case=case, cluster=cluster)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Cluster saved."))
    return redirect("cases:case_detail", pk=case.pk)


def _person_search(request: HttpRequest) -> tuple[PersonSearchForm, QuerySet[Person] | None]:
    form = PersonSearchForm(request.GET)
    if scope_of(request.user).paths and form.is_valid() and any(form.cleaned_data.values()):
        qs = people_selectors.person_list(
            user=request.user,
            q=form.cleaned_data["q"] or None,
            id_number=form.cleaned_data["id_number"] or None,
            phone=form.cleaned_data["phone"] or None,
        )
        return form, qs[:20]
    return form, None


def _create_person(request: HttpRequest, data: dict[str, Any]) -> Person:
    person = selectors.person_for_case(
        user=request.user, id_type=data.get("id_type") or "", id_number=data["id_number"]
    )
    if person is not None:
        return person
    if not data.get("name") or not data.get("address_jurisdiction"):
        raise InvalidCaseField(
            _("No person with this ID number: enter the name and address code to register one."),
            code="case.person_required",
            field="name",
        )
    return services.case_person_register(
        actor=request.user,
        name=data["name"],
        id_type=data.get("id_type") or "resident_id",
        id_number=data["id_number"],
        phone=data.get("phone") or "",
        jurisdiction=_jurisdiction(data["address_jurisdiction"], "address_jurisdiction"),
        current_address=data.get("current_address") or "",
        allow_candidates=bool(data.get("confirm_new")),
    )


def _default_facility(user: Any) -> Unit | None:
    unit_ids = scope_of(user).unit_ids
    if len(unit_ids) == 1:
        return Unit.objects.filter(pk=unit_ids[0]).first()
    return None


@require_http_methods(["GET", "POST"])
@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    if not services.can_write(request.user):
        raise Http404
    search_form, found = _person_search(request)
    chosen: Person | None = None
    person_param = request.POST.get("person") or request.GET.get("person")
    if person_param and person_param.isdigit():
        chosen = selectors.person_for_case(user=request.user, person_id=int(person_param))
    facilities = selectors.facility_choices(
        user=request.user, jurisdiction=chosen.jurisdiction if chosen else None
    )
    initial = {"person": chosen.pk if chosen else None, "facility": _default_facility(request.user)}
    form = CaseCreateForm(request.POST or None, facilities=facilities, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = chosen or _create_person(request, data)
            case = services.case_create(
                actor=request.user,
                person=person,
                classification=data["classification"],
                reported_at=data["reported_at"],
                jurisdiction=(
                    _jurisdiction(data["jurisdiction"], "jurisdiction")
                    if data.get("jurisdiction")
                    else None
                ),
                onset_date=data.get("onset_date"),
                severity=data.get("severity") or None,
                is_imported=bool(data.get("is_imported")),
                import_origin=data.get("import_origin") or "",
                facility=data.get("facility"),
                admitted_at=data["reported_at"] if data.get("facility") else None,
                notes=data.get("notes") or "",
            )
        except DomainError as exc:
            _form_error(form, exc)
            if exc.code == "person.possible_duplicates":
                form.add_error("confirm_new", _("Check the similar persons, then confirm."))
        else:
            messages.success(request, _("Case reported."))
            return redirect("cases:case_detail", pk=case.pk)
    can_choose = bool(scope_of(request.user).paths)
    context = {
        "form": form,
        "search_form": search_form,
        "found": found,
        "chosen": chosen,
        "can_browse": bool(scope_of(request.user).paths),
        "person_fields": [form[n] for n in PERSON_FIELDS],
        "case_fields": [form[n] for n in CASE_FIELDS if n != "jurisdiction" or can_choose],
    }
    return render(request, "cases/case_create.html", context)


@require_GET
@login_required
def facility_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.facility_list(user=request.user, jurisdiction=request.GET.get("jurisdiction"))
    return render(request, "cases/facility_list.html", {"rows": rows})
