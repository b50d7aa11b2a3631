"""The columns of the person spreadsheet: one definition for the template, import and export.

A header cell reads "<Chinese label> <code>" (``姓名 name``); the importer recognises a column by
its code or by its label in either language, so a hand-made file with only ``姓名`` works too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext_lazy

from .choices import IdType


@dataclass(frozen=True)
class Column:
    code: str
    label: str | Promise
    meaning: str | Promise
    required: bool
    format: str | Promise
    allowed: str | Promise
    example: str
    width: int = 16
    text: bool = True  # stored as text in Excel (ID numbers must never become numbers)


IMPORT_COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        pgettext_lazy("person", "Name"),
        _("Full name as on the identity document"),
        True,
        _("Text, at most 50 characters"),
        "",
        "张三",
        12,
    ),
    Column(
        "id_type",
        pgettext_lazy("person", "ID type"),
        _("Kind of identity document; empty means resident ID card"),
        False,
        _("A code from the allowed values"),
        ", ".join(IdType.values),
        "resident_id",
        14,
    ),
    Column(
        "id_number",
        pgettext_lazy("person", "ID number"),
        _("Number of the identity document"),
        True,
        _("Resident ID: 18 characters, last one a digit or X; keep the column as text"),
        "",
        "11010519491231002X",
        22,
    ),
    Column(
        "phone",
        pgettext_lazy("person", "Phone"),
        _("Mainland mobile number"),
        False,
        _("11 digits starting with 13–19; +86, spaces and dashes are accepted"),
        "",
        "13912345678",
        15,
    ),
    Column(
        "jurisdiction",
        pgettext_lazy("person", "Jurisdiction code"),
        _("Division code of the current address (county, township, community or grid)"),
        True,
        _("A code of your area, see the sheet of divisions"),
        "",
        "430203001",
        14,
    ),
    Column(
        "household_address",
        pgettext_lazy("person", "Household address"),
        _("Address of household registration"),
        False,
        _("Text, at most 300 characters"),
        "",
        "湖南省株洲市芦淞区建设街道1号",
        28,
    ),
    Column(
        "current_address",
        pgettext_lazy("person", "Current address"),
        _("Where the person lives now"),
        False,
        _("Text, at most 300 characters"),
        "",
        "芦淞区建设街道新华社区3栋",
        28,
    ),
    Column(
        "occupation",
        pgettext_lazy("person", "Occupation"),
        _("Occupation"),
        False,
        _("Text, at most 100 characters"),
        "",
        "教师",
        12,
    ),
    Column(
        "work_unit",
        pgettext_lazy("person", "Work unit"),
        _("Employer or school"),
        False,
        _("Text, at most 200 characters"),
        "",
        "株洲市第二中学",
        20,
    ),
    Column(
        "notes",
        pgettext_lazy("person", "Notes"),
        _("Free notes"),
        False,
        _("Text, at most 2000 characters"),
        "",
        "",
        20,
    ),
)
REQUIRED_CODES = frozenset(c.code for c in IMPORT_COLUMNS if c.required)

# Export: the import columns (a full export can be re-imported) plus read-only facts.
EXPORT_EXTRA: tuple[Column, ...] = (
    Column(
        "jurisdiction_name",
        pgettext_lazy("person", "Jurisdiction"),
        _("Name of the jurisdiction"),
        False,
        "",
        "",
        "建设街道",
        14,
    ),
    Column(
        "birth_date",
        pgettext_lazy("person", "Birth date"),
        _("From the resident ID number"),
        False,
        "YYYY-MM-DD",
        "",
        "1949-12-31",
        12,
    ),
    Column(
        "sex",
        pgettext_lazy("person", "Sex"),
        _("From the resident ID number"),
        False,
        "",
        "",
        "male",
        8,
    ),
    Column(
        "record_id",
        pgettext_lazy("person", "Record number"),
        _("Number of the record in the registry"),
        False,
        "",
        "",
        "1024",
        10,
    ),
    Column(
        "created_at",
        pgettext_lazy("person", "Registered at"),
        _("When the record was created"),
        False,
        "YYYY-MM-DD HH:MM",
        "",
        "2020-02-01 09:30",
        17,
    ),
)
EXPORT_COLUMNS: tuple[Column, ...] = IMPORT_COLUMNS + EXPORT_EXTRA


def header(column: Column) -> str:
    """``"姓名 name"`` in the active language."""
    return f"{column.label} {column.code}"


def _key(text: str) -> str:
    return "".join(text.split()).lower()


def header_aliases() -> dict[str, str]:
    """Normalised header text → column code, for every label in Chinese and English.

    Codes win over labels, and import columns over the read-only export columns (the English
    label "Jurisdiction" of ``jurisdiction_name`` must not shadow the code ``jurisdiction``).
    """
    aliases: dict[str, str] = {}
    for column in (*EXPORT_EXTRA, *IMPORT_COLUMNS):
        for language in ("en", "zh-hans"):
            with override(language):
                label = str(column.label)
            aliases[_key(label)] = column.code
            aliases[_key(f"{label} {column.code}")] = column.code
    for column in EXPORT_COLUMNS:
        aliases[_key(column.code)] = column.code
    return aliases


def id_type_aliases() -> dict[str, str]:
    """ID type code or label (either language) → code."""
    aliases: dict[str, str] = {}
    for value, label in IdType.choices:
        aliases[_key(value)] = value
        for language in ("zh-hans", "en"):
            with override(language):
                aliases[_key(str(label))] = value
    return aliases


def match_header(cells: list[str]) -> dict[str, int]:
    """Column code → index, for the header cells that name a known column (first one wins)."""
    aliases = header_aliases()
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = str(cell or "").strip()
        code = aliases.get(_key(text))
        if code is None and text:
            # "姓名 name", "姓名(name)": the last word is the code.
            last = text.replace("(", " ").replace(")", " ").split()[-1]
            code = aliases.get(_key(last))
        if code is not None and code not in found:
            found[code] = index
    return found
