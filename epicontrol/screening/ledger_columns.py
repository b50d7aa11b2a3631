"""The columns of a ledger file: one definition for the template, the import and the export.

A column is found in a file by its key (``id_number``), its label in any of the UI languages,
or a common alias used in community ledgers ("身份证号"), so a community's own Excel sheet can
be imported once its headers match, and an export can be re-imported unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epicontrol.people.choices import IdType

from .choices import EntryStatus, Source


@dataclass(frozen=True)
class Column:
    """One column of the ledger file."""

    key: str
    label: Promise
    help: Promise
    required: bool = False
    aliases: tuple[str, ...] = field(default=())
    import_: bool = True  # read on import (False: export-only information)
    width: int = 14

    def headers(self) -> set[str]:
        """Every header text that names this column (key, labels in each language, aliases)."""
        names = {self.key, *self.aliases}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(str(self.label))
        return {normalise_header(n) for n in names}


def normalise_header(text: str) -> str:
    # "证件号码*", " 姓 名 " and "Name" all match: drop spaces, markers and case.
    return re.sub(r"[\s*＊:：()（）]", "", str(text)).lower()


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        pgettext_lazy("ledger column", "Name"),
        _("Full name as on the ID document."),
        True,
        ("姓名",),
        width=10,
    ),
    Column(
        "id_type",
        pgettext_lazy("ledger column", "Document type"),
        _("Resident ID card by default; or passport, travel permit …"),
        aliases=("证件类型",),
    ),
    Column(
        "id_number",
        pgettext_lazy("ledger column", "Document number"),
        _("18-character resident ID number; format the column as text."),
        True,
        ("证件号码", "身份证号", "身份证号码", "证件号"),
        width=22,
    ),
    Column(
        "phone",
        pgettext_lazy("ledger column", "Mobile phone"),
        _("11-digit mainland mobile number."),
        aliases=("手机号码", "手机号", "联系电话", "电话"),
    ),
    Column(
        "category",
        pgettext_lazy("ledger column", "Category"),
        _("A key-person category, by name or code (see the data dictionary)."),
        True,
        ("人员类别", "类别"),
        width=18,
    ),
    Column(
        "source",
        pgettext_lazy("ledger column", "Source"),
        _("How the person was found; door-to-door screening if empty."),
        aliases=("来源", "发现途径", "排查方式"),
    ),
    Column(
        "origin",
        pgettext_lazy("ledger column", "Origin"),
        _("Where the person came from (e.g. 湖北省武汉市)."),
        aliases=("来源地", "从何地来", "出发地"),
    ),
    Column(
        "arrival_date",
        pgettext_lazy("ledger column", "Arrival date"),
        _("Date of arrival, YYYY-MM-DD."),
        aliases=("抵达日期", "到达日期", "返回日期", "抵达时间"),
    ),
    Column(
        "grid",
        pgettext_lazy("ledger column", "Grid code"),
        _("The grid's code (or its name when unique); your grid if empty."),
        aliases=("网格编码", "网格", "所属网格"),
        width=18,
    ),
    Column(
        "registered_on",
        pgettext_lazy("ledger column", "Registration date"),
        _("Date of registration, YYYY-MM-DD; today if empty."),
        aliases=("登记日期",),
    ),
    Column(
        "current_address",
        pgettext_lazy("ledger column", "Current address"),
        _("Address where the person stays."),
        aliases=("现住址", "住址", "居住地址"),
        width=24,
    ),
    Column(
        "notes",
        pgettext_lazy("ledger column", "Notes"),
        _("Anything else."),
        aliases=("备注",),
        width=20,
    ),
)

EXPORT_ONLY: tuple[Column, ...] = (
    Column("grid_name", pgettext_lazy("ledger column", "Grid"), _("Grid name."), import_=False),
    Column(
        "community",
        pgettext_lazy("ledger column", "Community"),
        _("Community or village."),
        import_=False,
    ),
    Column(
        "status", pgettext_lazy("ledger column", "Status"), _("Status of the entry."), import_=False
    ),
    Column(
        "registered_by",
        pgettext_lazy("ledger column", "Registered by"),
        _("Who registered it."),
        import_=False,
    ),
    Column(
        "entry_id",
        pgettext_lazy("ledger column", "Entry number"),
        _("Ledger entry number."),
        import_=False,
    ),
)

IMPORT_KEYS = tuple(c.key for c in COLUMNS)
REQUIRED_KEYS = tuple(c.key for c in COLUMNS if c.required)


def match_headers(header: Iterable[Any]) -> dict[str, int]:
    """Column key → position in the file's header row (unknown headers are ignored)."""
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        for name in column.headers():
            lookup.setdefault(name, column.key)
    found: dict[str, int] = {}
    for position, text in enumerate(header):
        key = lookup.get(normalise_header(text)) if text is not None else None
        if key and key not in found:
            found[key] = position
    return found


def choice_lookup(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Value or label (in every UI language) → value, for enum-like cells."""
    table: dict[str, str] = {}
    pairs = list(choices)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in pairs:
                table[normalise_header(str(label))] = value
    for value, _label in pairs:
        table[normalise_header(value)] = value
    return table


def source_lookup() -> dict[str, str]:
    table = choice_lookup(Source.choices)
    # Words community ledgers use for the same sources.
    for alias, value in (
        ("上门", Source.DOOR_TO_DOOR),
        ("上门排查", Source.DOOR_TO_DOOR),
        ("车站卡口", Source.STATION),
        ("大数据推送", Source.BIG_DATA),
        ("主动申报", Source.SELF_REPORT),
        ("协查函", Source.ASSISTANCE_REQUEST),
        ("走访", Source.DOOR_TO_DOOR),
        ("入户排查", Source.DOOR_TO_DOOR),
        ("车站", Source.STATION),
        ("卡口", Source.STATION),
        ("大数据", Source.BIG_DATA),
        ("自主申报", Source.SELF_REPORT),
        ("主动报告", Source.SELF_REPORT),
        ("协查", Source.ASSISTANCE_REQUEST),
    ):
        table[normalise_header(alias)] = value
    return table


def id_type_lookup() -> dict[str, str]:
    table = choice_lookup(IdType.choices)
    for alias in ("身份证", "居民身份证", "二代身份证"):
        table[normalise_header(alias)] = IdType.RESIDENT_ID
    return table


def status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in EntryStatus.choices}


EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT_DATE_RE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


def parse_date(value: Any) -> dt.date | None:
    """A date from a cell: a date/datetime (Excel), or text 2020-01-25, 2020/1/25, 2020年1月25日,
    20200125. Empty → None. Raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        # An Excel date serial number in a cell without a date format (1900 date system).
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = str(value).strip()
    if not text:
        return None
    if text.endswith(" 00:00:00"):
        text = text[:-9]
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)


def cell_text(value: Any) -> str:
    """A cell as trimmed text; whole numbers lose their ".0" (phones typed as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
