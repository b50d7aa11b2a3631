"""What every browser test shares: Debian's Chromium, a Chinese page, the few divisions it needs.

Open the page with ``with chromium_page(...) as page:`` and read from the ORM before and after
that block, not inside it: inside, the ORM would open a second connection in Playwright's
context that nothing closes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

PASSWORD = "Browser-test-2020!"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}

# code, name, level, kind, parent code
Division = tuple[str, str, str, str, str | None]
ZHUZHOU: tuple[Division, ...] = (
    ("430000", "湖南省", "province", "province", None),
    ("430200", "株洲市", "city", "prefecture_city", "430000"),
    ("430203", "芦淞区", "county", "district", "430200"),
    ("430203001", "建设街道", "township", "street", "430203"),
)


@contextmanager
def chromium_page(**options: Any) -> Iterator[Any]:
    """A page of a fresh headless Chromium (``locale`` zh-CN unless given), closed on exit.

    ``options`` are Playwright's page options (``viewport``, ``is_mobile``, ``has_touch`` ...).
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(**{"locale": "zh-CN", **options})
        finally:
            browser.close()


def ensure_divisions(rows: Sequence[Division]) -> dict[str, Any]:
    """The divisions of ``rows`` by code, created where missing (parents listed first).

    A transactional test may run on a flushed database, and communities and grids are not in
    the loaded tree.
    """
    from epicontrol.jurisdictions.models import Jurisdiction

    made: dict[str, Any] = {}
    for code, name, level, kind, parent_code in rows:
        parent = made.get(parent_code) if parent_code else None
        made[code], _ = Jurisdiction.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "level": level, "kind": kind, "parent": parent,
                "path": f"{parent.path if parent else ''}{code}/",
                "depth": parent.depth + 1 if parent else 0,
            },
        )  # fmt: skip
    return made
