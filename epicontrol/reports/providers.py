"""What other apps provide to reports, read defensively (they may not be installed yet).

- ``cases.selectors.line_list_daily(*, root_path, start, end)`` → per county code, per date,
  line-list figures (``confirmed_cumulative``, ``cured_cumulative`` …);
- ``riskareas.selectors.current_levels(*, user, parent_code, day)`` → county risk levels;
- any app's ``selectors.dashboard_figures(*, user, jurisdiction, day)`` → ``core.figures.Figure``s.

reports is the top layer: it may import any app, no app imports it, and it finds providers by
iterating the installed apps rather than naming them (``core/figures.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from epicontrol.core.errors import DomainError
from epicontrol.core.figures import Figure
from epicontrol.jurisdictions.models import Jurisdiction

from .indicators import STORED_NAMES

logger = logging.getLogger(__name__)

CASES_APP = "epicontrol.cases"
RISKAREAS_APP = "epicontrol.riskareas"


def _selector(app: str, name: str) -> Callable[..., Any] | None:
    if not apps.is_installed(app) or find_spec(f"{app}.selectors") is None:
        return None
    module = import_module(f"{app}.selectors")
    fn = getattr(module, name, None)
    return fn if callable(fn) else None


def line_list_available() -> bool:
    return _selector(CASES_APP, "line_list_daily") is not None


@dataclass
class LineList:
    """The line list of a subtree per county path, and the cities whose line list it holds.

    The platform "holds the line list" of a city when any county of it has a case record; its
    counties then count, zeros included. Elsewhere all-zero series mean "no records here", not
    "no cases", and are left out (no data rather than a fake 0). A line-list total is only
    compared with a reported figure where the platform holds the whole area (``covers``): a
    province whose line list covers two cities of fourteen is not "differing" from it.
    """

    counties: dict[str, dict[dt.date, dict[str, int | None]]] = field(default_factory=dict)
    cities: frozenset[str] = frozenset()
    _provinces: dict[str, bool] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.counties)

    def covers(self, path: str) -> bool:
        if not self.cities:
            return False
        if path.count("/") >= 2:  # a city or anything below it
            return _city_prefix(path) in self.cities
        if path not in self._provinces:
            cities = set(
                Jurisdiction.objects.filter(path__startswith=path, depth=1)
                .current()
                .values_list("path", flat=True)
            )
            self._provinces[path] = bool(cities) and cities <= self.cities
        return self._provinces[path]


def line_list(*, root_path: str, start: dt.date, end: dt.date) -> LineList:
    """The line list of the subtree, re-keyed by county path (the roll-up's tree keys).

    Only stored indicator names are kept (``*_new`` figures are derived again from the
    cumulative ones, so every source is treated alike). Empty when cases is not installed.

    Cost: one EXISTS query where there are no case records; else one probe of the last day for
    the whole subtree, then the full range only for the cities that have records.
    """
    fn = _selector(CASES_APP, "line_list_daily")
    if fn is None or not _has_case_records(root_path):
        return LineList()
    probe: Mapping[str, Mapping[dt.date, Mapping[str, Any]]] = fn(
        root_path=root_path, start=end, end=end
    )
    if not probe:
        return LineList()
    paths = dict(Jurisdiction.objects.filter(code__in=list(probe)).values_list("code", "path"))
    active = sorted(
        {
            _city_prefix(paths[str(code)])
            for code, by_day in probe.items()
            if str(code) in paths and _has_records(by_day)
        }
    )
    if not active:
        return LineList()
    if start == end:
        found = probe
    else:
        found = {}
        # One call per active city (or one for the root when it lies inside a city).
        for prefix in [root_path] if len(root_path) >= len(active[0]) else active:
            found.update(fn(root_path=prefix, start=start, end=end))
    out: dict[str, dict[dt.date, dict[str, int | None]]] = {}
    for code, by_day in found.items():
        path = paths.get(str(code))
        if path is None or not path.startswith(root_path) or _city_prefix(path) not in active:
            continue
        out[path] = {
            day: {n: _int_or_none(figures.get(n)) for n in STORED_NAMES if n in figures}
            for day, figures in by_day.items()
        }
    return LineList(counties=out, cities=frozenset(active))


def _has_case_records(root_path: str) -> bool:
    """Whether the cases app has any record under ``root_path`` (one indexed EXISTS query).

    Most areas have no line list at all; asking first saves the line list's queries there.
    Answers True (ask the line list) when the model is not shaped as expected.
    """
    try:
        case_model = apps.get_model("cases", "Case")
        return bool(case_model.objects.filter(jurisdiction__path__startswith=root_path).exists())
    except (LookupError, FieldError):
        return True


def _city_prefix(path: str) -> str:
    """``430000/430200/`` for any path at or below 株洲市 (the province path for a province)."""
    return "/".join(path.split("/")[:2]) + "/"


def _has_records(by_day: Mapping[dt.date, Mapping[str, Any]]) -> bool:
    return any(any(v for v in figures.values()) for figures in by_day.values())


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def case_list_url(code: str) -> str | None:
    """The cases app's list of records for a jurisdiction, when it has one."""
    if not apps.is_installed(CASES_APP):
        return None
    for name in ("cases:list", "cases:case_list"):
        try:
            return f"{reverse(name)}?jurisdiction={code}"
        except NoReverseMatch:
            continue
    return None


RISK_LABELS: dict[str, Any] = {
    "low": _("Low risk"),
    "medium": _("Medium risk"),
    "high": _("High risk"),
    "": _("Not assessed"),
}


@dataclass(frozen=True)
class RiskLevel:
    code: str
    name: str
    level: str  # the band (low / medium / high), "" when not assessed; also the badge class
    label: str
    url: str | None


def _field(item: Any, *names: str) -> Any:
    for name in names:
        if isinstance(item, Mapping) and name in item:
            return item[name]
        if hasattr(item, name):
            return getattr(item, name)
    return None


def risk_levels(*, user: Any, parent_code: str, day: dt.date) -> list[RiskLevel] | None:
    """County risk levels below a jurisdiction; None when riskareas is not installed."""
    fn = _selector(RISKAREAS_APP, "current_levels")
    if fn is None:
        return None
    try:
        items = list(fn(user=user, parent_code=parent_code, day=day))
    except DomainError:  # e.g. a parent the provider does not list (a county)
        return []
    out = []
    for item in items:
        code = _field(item, "code", "county_code", "jurisdiction_code")
        band = _field(item, "band", "level", "risk_level")
        band = str(getattr(band, "value", band) or "")
        label = _field(item, "level_label") or RISK_LABELS.get(band, band)
        out.append(
            RiskLevel(
                code=str(code or ""),
                name=str(_field(item, "name", "county_name", "jurisdiction_name") or code or ""),
                level=band,
                label=str(label),
                url=_field(item, "url", "page_url"),
            )
        )
    return out


@dataclass(frozen=True)
class ProviderFigures:
    app_label: str
    app_name: str
    figures: list[Figure]
    failed: bool = False


def dashboard_figures(
    *, user: Any, jurisdiction: Jurisdiction, day: dt.date, exclude: tuple[str, ...] = ()
) -> list[ProviderFigures]:
    """Figures of every installed app that provides ``selectors.dashboard_figures``.

    A provider that fails is shown as unavailable (and logged) instead of taking the whole
    dashboard down with it.
    """
    out = []
    for config in apps.get_app_configs():
        if not config.name.startswith("epicontrol.") or config.label == "reports":
            continue
        if config.name in exclude:
            continue
        fn = _selector(config.name, "dashboard_figures")
        if fn is None:
            continue
        try:
            figures = list(fn(user=user, jurisdiction=jurisdiction, day=day))
        except Exception:  # a broken module must not blank the command dashboard
            logger.exception("dashboard_figures of %s failed", config.label)
            out.append(ProviderFigures(config.label, str(config.verbose_name), [], failed=True))
            continue
        out.append(ProviderFigures(config.label, str(config.verbose_name), figures))
    return out
