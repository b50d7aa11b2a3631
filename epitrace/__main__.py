"""``python -m epitrace``: see ``epitrace.cli``."""

from __future__ import annotations

from epitrace.cli import main

raise SystemExit(main())
