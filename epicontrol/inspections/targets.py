"""What an inspection targets: a jurisdiction (a community, a township …) or a unit in one."""

from __future__ import annotations

from dataclasses import dataclass

from epicontrol.jurisdictions.models import Jurisdiction, Unit

from .choices import TargetType
from .errors import TemplateMismatch
from .models import ChecklistTemplate


@dataclass(frozen=True)
class Target:
    jurisdiction: Jurisdiction
    unit: Unit | None = None

    @classmethod
    def of_unit(cls, unit: Unit) -> Target:
        return cls(jurisdiction=unit.jurisdiction, unit=unit)

    @property
    def key(self) -> str:
        return f"u:{self.unit.pk}" if self.unit is not None else f"j:{self.jurisdiction.pk}"

    @property
    def target_type(self) -> str:
        """Jurisdictions are checked with the community checklist; units by their kind."""
        return TargetType.COMMUNITY if self.unit is None else self.unit.kind

    @property
    def path(self) -> str:
        return self.jurisdiction.path

    @property
    def name(self) -> str:
        return str(self.unit or self.jurisdiction)

    def check_template(self, template: ChecklistTemplate) -> None:
        """Raises TemplateMismatch ("inspection.template_mismatch")."""
        if template.target_type != self.target_type:
            raise TemplateMismatch(
                field="template", target_type=self.target_type, template=template.target_type
            )
