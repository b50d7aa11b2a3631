"""Roll-up grid → community → township → county → city → province equals the entries."""

from __future__ import annotations

import datetime as dt

import pytest

from epicontrol.core.errors import NotFound
from epicontrol.jurisdictions.models import Jurisdiction
from epicontrol.screening import selectors, services
from epicontrol.screening.models import FIGURE_KEYS, LedgerEntry
from epicontrol.screening.rollup import figure_conditions, rollup

from .conftest import DAY, superuser

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(register, grid, grid2, grid3, grid4, sibling_grid, other_city_grid, grid_worker):
    """Entries over six grids in three counties and two cities, with every kind of status."""
    admin = superuser()
    plan = [
        (grid, "wuhan_returnee", DAY - dt.timedelta(days=10), ("under_observation", "cleared")),
        (grid, "wuhan_returnee", DAY, ()),
        (grid, "fever_patient", DAY, ("under_observation",)),
        (grid, "close_contact", DAY - dt.timedelta(days=1), ("transferred",)),
        (grid2, "hubei_returnee", DAY, ()),
        (grid2, "floating_population", DAY - dt.timedelta(days=3), ("moved_away",)),
        (grid3, "wuhan_returnee", DAY - dt.timedelta(days=20), ("cleared",)),
        (grid3, "inbound_traveller", DAY + dt.timedelta(days=1), ()),
        (grid4, "close_contact", DAY, ("under_observation",)),
        (sibling_grid, "wuhan_returnee", DAY, ()),
        (sibling_grid, "fever_patient", DAY - dt.timedelta(days=2), ("cleared",)),
        (other_city_grid, "wuhan_returnee", DAY, ()),
    ]
    for g, category, on, moves in plan:
        entry = register(g, category, on=on)
        day = on
        for status in moves:
            # Changes land on the registration day, on DAY or after it, to exercise the dates.
            day = max(day, DAY) if status == "cleared" else day
            services.entry_status_set(actor=admin, entry=entry, status=status, on=day)
    services.daily_report_submit(actor=grid_worker, grid=grid, day=DAY)
    services.daily_report_submit(actor=admin, grid=grid3, day=DAY, zero=True)
    services.daily_report_submit(actor=admin, grid=sibling_grid, day=DAY)
    return plan


def direct(path: str, day: dt.date) -> dict[str, int]:
    """The figures of a subtree counted straight from the entries, one query per figure."""
    entries = LedgerEntry.objects.filter(grid__path__startswith=path)
    return {key: entries.filter(cond).count() for key, cond in figure_conditions(day).items()}


@pytest.mark.parametrize("day", [DAY - dt.timedelta(days=1), DAY, DAY + dt.timedelta(days=1)])
def test_rollup_equals_the_entries_at_every_level(ledger, province_officer, day):
    checked_levels = set()
    queue = [Jurisdiction.objects.get(code="430000")]
    while queue:
        j = queue.pop()
        result = rollup(user=province_officer, jurisdiction=j, day=day)
        checked_levels.add(j.level)
        assert result.total.figures == direct(j.path, day), j.code
        if j.level == "grid":
            assert result.children == [] and result.total.is_leaf
            continue
        for key in FIGURE_KEYS:
            assert result.total.figures[key] == sum(c.figures[key] for c in result.children)
        for child in result.children:
            child_j = Jurisdiction.objects.get(code=child.code)
            assert child.figures == direct(child_j.path, day), child.code
            if child.figures["registered_total"] or child.figures["new"]:
                queue.append(child_j)
    assert checked_levels == {"province", "city", "county", "township", "community", "grid"}


def test_rollup_counts_grids_reports_and_zero_reports(ledger, county_officer, grid, grid3):
    county = Jurisdiction.objects.get(code="430203")
    result = rollup(user=county_officer, jurisdiction=county, day=DAY)
    assert result.total.grids_total == 4
    assert result.total.grids_reported == 2
    assert result.total.zero_reports == 1
    assert result.total.grids_missing == 2
    assert result.total.reported_new == 2  # the persona grid's snapshot: two new that day
    township = next(c for c in result.children if c.code == "430203001")
    assert (township.grids_total, township.grids_reported) == (3, 2)
    assert result.new_by_category == {
        "wuhan_returnee": 1,
        "fever_patient": 1,
        "hubei_returnee": 1,
        "close_contact": 1,
    }
    leaf = rollup(user=county_officer, jurisdiction=grid, day=DAY)
    assert leaf.report is not None and leaf.total.is_leaf
    assert leaf.total.figures["new"] == 2


def test_sibling_sees_no_rollup_of_another_county(ledger, sibling_officer):
    for code in ("430203", "430203001", "430200", "430000"):
        with pytest.raises(NotFound):
            rollup(user=sibling_officer, jurisdiction=Jurisdiction.objects.get(code=code), day=DAY)
    own = rollup(
        user=sibling_officer, jurisdiction=Jurisdiction.objects.get(code="430202"), day=DAY
    )
    assert own.total.figures["registered_total"] == 2
    assert own.total.grids_reported == 1


def test_completeness_lists_missing_grids_with_their_workers(
    ledger, county_officer, grid2, grid4, make_user
):
    make_user("worker2", "grid_worker", grid2.code)
    county = Jurisdiction.objects.get(code="430203")
    result = selectors.completeness(user=county_officer, jurisdiction=county, day=DAY)
    assert (result.grids_total, result.grids_reported, result.grids_missing) == (4, 2, 2)
    missing = {m.code: m for m in result.missing}
    assert set(missing) == {grid2.code, grid4.code}
    assert missing[grid2.code].workers == ["worker2"]
    assert missing[grid4.code].workers == []
    assert {c[0] for c in result.communities_missing} == {grid2.parent.code, grid4.parent.code}
    # The next day nobody has reported.
    later = selectors.completeness(
        user=county_officer, jurisdiction=county, day=DAY + dt.timedelta(days=1)
    )
    assert later.grids_missing == 4


def test_completeness_is_scoped(ledger, sibling_officer):
    with pytest.raises(NotFound):
        selectors.completeness(
            user=sibling_officer, jurisdiction=Jurisdiction.objects.get(code="430203"), day=DAY
        )
    own = selectors.completeness(
        user=sibling_officer, jurisdiction=Jurisdiction.objects.get(code="430202"), day=DAY
    )
    assert (own.grids_total, own.grids_missing) == (1, 0)


def test_dashboard_figures(ledger, county_officer, sibling_officer):
    county = Jurisdiction.objects.get(code="430203")
    figures = {
        f.key: f
        for f in selectors.dashboard_figures(user=county_officer, jurisdiction=county, day=DAY)
    }
    assert figures["screening.registered_total"].value == 8
    assert figures["screening.new"].value == 4
    assert figures["screening.grids_total"].value == 4
    assert figures["screening.grids_reported"].value == 2
    assert figures["screening.grids_missing"].value == 2
    assert figures["screening.grids_missing"].url.startswith("/screening/completeness?")
    assert "jurisdiction=430203" in figures["screening.new"].url
    # A sibling asking about 芦淞区 gets figures over nothing.
    sibling = selectors.dashboard_figures(user=sibling_officer, jurisdiction=county, day=DAY)
    assert all(f.value == 0 for f in sibling)


def test_rollup_handles_children_with_codes_of_different_lengths(
    register, township, grid, province_officer
):
    # A community coded by hand with four digits beside the generated three-digit ones: the
    # roll-up falls back to cutting the path at the next "/" and still equals the entries.
    odd = Jurisdiction.objects.create(
        code=f"{township.code}0042", name="手工社区", level="community", kind="community",
        parent=township, path=f"{township.path}{township.code}0042/", depth=township.depth + 1,
    )  # fmt: skip
    odd_grid = Jurisdiction.objects.create(
        code=f"{odd.code}001", name="第一网格", level="grid", kind="grid", parent=odd,
        path=f"{odd.path}{odd.code}001/", depth=odd.depth + 1,
    )  # fmt: skip
    register(grid, on=DAY)
    register(odd_grid, on=DAY)
    register(odd_grid, "fever_patient", on=DAY)
    result = rollup(user=province_officer, jurisdiction=township, day=DAY)
    by_code = {c.code: c for c in result.children}
    assert by_code[odd.code].figures["new"] == 2
    assert by_code[grid.parent.code].figures["new"] == 1
    assert result.total.figures == direct(township.path, DAY)
    assert by_code[odd.code].grids_total == 1
