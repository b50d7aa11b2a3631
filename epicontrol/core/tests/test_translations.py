"""One English message id must not carry two Chinese meanings across the apps' catalogs.

Django merges every app's catalog into one, so the same msgid translated differently in two apps
shows one app's word in the other's pages (临床分型 became 问题等级 on case pages). Apps that
need their own word use a context (pgettext / ``{% translate ... context ... %}``).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
# Same meaning, different wording: harmless, and the first catalog's wording is shown.
SYNONYMS = {
    "Community", "Market", "Checkpoint", "Highway service area", "Sanitation team", "People",
    "Code", "None.", "Unknown result.", "Unknown division code.", "Jurisdiction code", "Search",
    "Details", "The check character of the ID number is wrong.",
    "The ID number does not start with a province code.",
    "A mainland mobile number has 11 digits and starts with 13–19.", "Example",
    "The file cannot be read.", "Area",
}  # fmt: skip
ENTRY = re.compile(r'(?:^msgctxt "(?P<ctx>.*)"\n)?^msgid "(?P<id>.*)"\n^msgstr "(?P<str>.*)"', re.M)


def _catalogs() -> list[Path]:
    return [
        p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts
    ]


def test_no_msgid_has_two_meanings() -> None:
    meanings: dict[tuple[str | None, str], dict[str, list[str]]] = {}
    for catalog in _catalogs():
        for m in ENTRY.finditer(catalog.read_text(encoding="utf-8")):
            if m["id"] and m["str"]:
                key = (m["ctx"], m["id"])
                meanings.setdefault(key, {}).setdefault(m["str"], []).append(str(catalog))
    clashes = {
        key: found
        for key, found in meanings.items()
        if len(found) > 1 and not (key[0] is None and key[1] in SYNONYMS)
    }
    assert not clashes, clashes


def test_case_and_inspection_words_stay_apart() -> None:
    with translation.override("zh-hans"):
        assert translation.pgettext("case", "Severity") == "临床分型"
        assert translation.gettext("Severity") == "问题等级"
        assert translation.pgettext("case", "Source") == "来源"
        assert translation.pgettext("inspection", "Result") == "结论"
        assert translation.gettext("Result") == "导入结果"
        assert translation.pgettext("inspection", "A name is required.") == "请填写名称。"
        assert translation.gettext("A name is required.") == "请填写姓名。"
