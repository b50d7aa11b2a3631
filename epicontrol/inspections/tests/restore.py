"""Put back the data migrations' seed rows after a transactional test flushed every table."""

from __future__ import annotations

from types import SimpleNamespace


def rerun_data_migrations() -> None:
    """Run our apps' migration RunPython steps again (they seed reference data idempotently).

    Third-party data migrations are skipped (they transform old rows and may not run on the
    current schema); each step runs in its own transaction so one failure cannot poison the
    connection for the next.
    """
    from django.apps import apps
    from django.db import connection, transaction
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    ours = {c.label for c in apps.get_app_configs() if c.name.startswith("epicontrol.")}
    loader = MigrationLoader(connection)
    ordered: list[tuple[str, str]] = []
    for leaf in loader.graph.leaf_nodes():
        ordered += [k for k in loader.graph.forwards_plan(leaf) if k not in ordered]
    editor = SimpleNamespace(connection=connection)  # seeds only read .connection from it
    for key in ordered:
        if key[0] not in ours:
            continue
        operations = [op for op in loader.graph.nodes[key].operations if isinstance(op, RunPython)]
        if not operations:
            continue
        state = loader.project_state(key, at_end=True)
        for op in operations:
            try:
                with transaction.atomic():
                    op.code(state.apps, editor)
            except Exception:  # noqa: S112 - best effort: a seed that cannot rerun is skipped
                continue
