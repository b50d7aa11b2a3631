"""``benchmarks/RESULTS.md``: each benchmark owns one ``## <name>`` section and replaces only it.

One writer for every benchmark, so sections stay separated by one blank line whatever order they
are re-run in.
"""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TITLE = "# Benchmark results\n"


def write_section(section: str, path: Path = RESULTS) -> None:
    """Replace the section that ``section`` starts with (``## <name>``), or append it."""
    heading = section.splitlines()[0]
    if not heading.startswith("## "):
        raise ValueError(f"a section starts with '## <name>', not {heading!r}")
    body = section.strip("\n") + "\n"
    text = path.read_text(encoding="utf-8") if path.exists() else TITLE
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: body + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
