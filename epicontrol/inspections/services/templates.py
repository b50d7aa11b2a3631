"""Checklist templates: revising one never changes a version a record has used."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from epicontrol.core.audit import audit_record
from epicontrol.inspections.choices import CheckMethod, Severity
from epicontrol.inspections.errors import InspectionDenied, InvalidInput, TemplateNotCurrent
from epicontrol.inspections.models import ChecklistItem, ChecklistTemplate, InspectionRecord
from epicontrol.inspections.permissions import can_revise_templates
from epicontrol.inspections.scoring import Rule

ITEM_FIELDS = (
    "code",
    "category",
    "text",
    "method",
    "evidence_required",
    "rule",
    "veto",
    "severity",
    "guidance",
)


def _clean_items(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Validate item dicts (codes unique, rules parse). Raises InvalidInput / InvalidRule."""
    if not items:
        raise InvalidInput(_("A checklist needs at least one item."), field="items")
    seen: set[str] = set()
    out = []
    for position, raw in enumerate(items, start=1):
        code = str(raw.get("code") or "").strip()
        text = str(raw.get("text") or "").strip()
        if not code or not text:
            raise InvalidInput(_("Every item needs a code and a text."), field="items", item=code)
        if code in seen:
            raise InvalidInput(_("Item codes must be unique."), field="items", item=code)
        seen.add(code)
        method = raw.get("method") or CheckMethod.SITE
        severity = raw.get("severity") or Severity.MEDIUM
        if method not in CheckMethod.values or severity not in Severity.values:
            raise InvalidInput(_("Unknown check method or severity."), field="items", item=code)
        rule = Rule.parse(raw.get("rule") or {})
        out.append(
            {
                "position": position,
                "code": code,
                "category": str(raw.get("category") or "").strip(),
                "text": text,
                "method": method,
                "evidence_required": bool(raw.get("evidence_required")),
                "rule": rule.as_dict(),
                "veto": bool(raw.get("veto")),
                "severity": severity,
                "guidance": str(raw.get("guidance") or ""),
            }
        )
    return out


def template_is_used(template: ChecklistTemplate) -> bool:
    return InspectionRecord.objects.filter(template=template).exists()


@transaction.atomic
def template_revise(
    *,
    actor: Any,
    template: ChecklistTemplate,
    name: str | None = None,
    description: str | None = None,
    base_score: Decimal | None = None,
    pass_percent: Decimal | None = None,
    items: Sequence[Mapping[str, Any]] | None = None,
) -> ChecklistTemplate:
    """Change a checklist. If a record has used this version, a new version (+1) is created,
    becomes current and the old one is kept unchanged; otherwise it is edited in place.

    Returns the version that now holds the change. Raises InspectionDenied (command role at
    province level needed), TemplateNotCurrent ("template.not_current"), InvalidInput,
    InvalidRule ("template.invalid_rule").
    """
    if not can_revise_templates(actor):
        raise InspectionDenied()
    locked = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    if not locked.is_current:
        raise TemplateNotCurrent()
    new_items = _clean_items(items) if items is not None else None
    fields: dict[str, Any] = {
        k: v
        for k, v in {
            "name": name,
            "description": description,
            "base_score": base_score,
            "pass_percent": pass_percent,
        }.items()
        if v is not None
    }
    if "pass_percent" in fields and not (0 <= Decimal(fields["pass_percent"]) <= 100):
        raise InvalidInput(_("The pass mark is a percentage."), field="pass_percent")
    if template_is_used(locked):
        old_items = [
            {f: getattr(i, f) for f in ITEM_FIELDS} | {"position": i.position}
            for i in locked.items.all()
        ]
        locked.is_current = False
        locked.save(update_fields=["is_current", "updated_at"])
        target = ChecklistTemplate.objects.create(
            code=locked.code,
            version=locked.version + 1,
            target_type=locked.target_type,
            name=fields.get("name", locked.name),
            description=fields.get("description", locked.description),
            base_score=fields.get("base_score", locked.base_score),
            pass_percent=fields.get("pass_percent", locked.pass_percent),
            is_current=True,
            supersedes=locked,
            source=locked.source,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _write_items(target, new_items if new_items is not None else old_items)
        audit_record(
            actor=actor,
            action="inspections.template_versioned",
            target=target,
            changes={
                "from_version": locked.version,
                "fields": sorted(fields),
                "items_changed": new_items is not None,
            },
        )
        return target
    for key, value in fields.items():
        setattr(locked, key, value)
    locked.save()
    if new_items is not None:
        locked.items.all().delete()
        _write_items(locked, new_items)
    audit_record(
        actor=actor,
        action="inspections.template_edited",
        target=locked,
        changes={"fields": sorted(fields), "items_changed": new_items is not None},
    )
    return locked


def _write_items(template: ChecklistTemplate, items: Sequence[Mapping[str, Any]]) -> None:
    ChecklistItem.objects.bulk_create(
        [ChecklistItem(template=template, **dict(item)) for item in items]
    )
