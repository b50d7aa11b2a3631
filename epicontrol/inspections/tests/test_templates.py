from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from epicontrol.inspections.choices import TargetType
from epicontrol.inspections.errors import InspectionDenied, InvalidRule, TemplateNotCurrent
from epicontrol.inspections.models import ChecklistTemplate, ItemResult
from epicontrol.inspections.services.templates import template_revise

from .factories import submit, template

pytestmark = pytest.mark.django_db


def test_every_target_type_has_a_seeded_checklist() -> None:
    types = set(ChecklistTemplate.objects.current().values_list("target_type", flat=True))
    assert types == set(TargetType.values)


def test_sanitation_checklist_deducts_two_points_per_missing_item() -> None:
    tpl = template("sanitation_team")
    assert tpl.base_score == Decimal(100)
    gear = [i for i in tpl.items.all() if i.category == "防护用品"]
    assert len(gear) == 4
    assert all(i.rule["kind"] == "deduction" and i.rule["per_occurrence"] == 2 for i in gear)


def test_an_unused_template_is_edited_in_place(province_officer: Any) -> None:
    tpl = template("school")
    revised = template_revise(actor=province_officer, template=tpl, name="学校检查表（修订）")
    assert revised.pk == tpl.pk
    assert revised.version == 1
    assert revised.name == "学校检查表（修订）"


def test_editing_a_used_template_makes_a_new_version(
    province_officer: Any, supervisor: Any, task: Any
) -> None:
    old = task.template
    record = submit(actor=supervisor, task=task)
    old_items = list(old.items.values_list("code", "text", "rule"))
    items = [
        {
            "code": i.code,
            "category": i.category,
            "text": i.text,
            "method": i.method,
            "rule": i.rule,
            "veto": i.veto,
            "severity": i.severity,
        }
        for i in old.items.all()
    ]
    items[0]["text"] = "新的检查内容"
    items[0]["rule"] = {"kind": "pass_fail", "points": 7}
    new = template_revise(
        actor=province_officer, template=old, items=items, pass_percent=Decimal(85)
    )
    old.refresh_from_db()
    assert new.pk != old.pk
    assert (new.version, new.is_current, new.supersedes_id) == (2, True, old.pk)
    assert new.pass_percent == Decimal(85)
    assert new.items.order_by("position").first().text == "新的检查内容"
    # The used version is untouched, and the record still points at its items.
    assert old.is_current is False
    assert old.pass_percent == Decimal(80)
    assert list(old.items.values_list("code", "text", "rule")) == old_items
    assert record.template_id == old.pk
    assert ItemResult.objects.filter(record=record, item__template=old).count() == len(old_items)


def test_only_the_current_version_can_be_revised(
    province_officer: Any, supervisor: Any, task: Any
) -> None:
    submit(actor=supervisor, task=task)
    template_revise(actor=province_officer, template=task.template, name="v2")
    with pytest.raises(TemplateNotCurrent) as exc:
        template_revise(actor=province_officer, template=task.template, name="v3")
    assert exc.value.code == "template.not_current"


def test_a_bad_rule_is_refused(province_officer: Any) -> None:
    tpl = template("school")
    with pytest.raises(InvalidRule):
        template_revise(
            actor=province_officer,
            template=tpl,
            items=[{"code": "1", "text": "x", "rule": {"kind": "scale", "points": 0}}],
        )


def test_a_county_officer_cannot_revise_checklists(county_officer: Any) -> None:
    with pytest.raises(InspectionDenied):
        template_revise(actor=county_officer, template=template("school"), name="x")
