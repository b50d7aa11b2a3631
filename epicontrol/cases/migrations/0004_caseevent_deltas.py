"""Each event's change of the "current" figures, derived from its before/after columns."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

STATE = (
    "from_status", "from_classification", "from_severity", "from_admitted",
    "to_status", "to_classification", "to_severity", "to_admitted",
)  # fmt: skip


FIELDS = ("d_suspected", "d_confirmed", "d_admitted", "d_asymptomatic", "d_severe")
CONFIRMED = ("confirmed", "clinically_diagnosed")


def bucket(status: str, cls: str, severity: str, admitted: bool) -> tuple[int, ...]:
    # A frozen copy of linelist._bucket as of this migration.
    if status != "open":
        return (0, 0, 0, 0, 0)
    return (
        int(cls == "suspected"),
        int(cls in CONFIRMED),
        int(admitted and cls in (*CONFIRMED, "suspected")),
        int(cls == "asymptomatic"),
        int(cls in CONFIRMED and severity in ("severe", "critical")),
    )


def figure_deltas(before: Any, after: Any) -> dict[str, int]:
    return {f: a - b for f, b, a in zip(FIELDS, bucket(*before), bucket(*after), strict=True)}


def fill_deltas(apps: Any, schema_editor: Any) -> None:
    """One UPDATE per distinct (before, after) pair of states, not per event."""
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for combo in CaseEvent.objects.values_list(*STATE).distinct():
        deltas = figure_deltas(combo[:4], combo[4:])
        if any(deltas.values()):
            CaseEvent.objects.filter(**dict(zip(STATE, combo, strict=True))).update(**deltas)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_action_labels")]

    operations = [
        *[
            migrations.AddField(
                model_name="caseevent", name=name, field=models.SmallIntegerField(default=0)
            )
            for name in FIELDS
        ],
        migrations.RunPython(fill_deltas, migrations.RunPython.noop),
    ]
