from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Levels of the tree, from the GB/T 2260 divisions down to the grids users create."""

    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")


LEVEL_ORDER = [
    Level.PROVINCE,
    Level.CITY,
    Level.COUNTY,
    Level.TOWNSHIP,
    Level.COMMUNITY,
    Level.GRID,
]


class Kind(models.TextChoices):
    """What kind of unit a division is; functional zones are not administrative divisions."""

    PROVINCE = "province", _("Province")
    MUNICIPALITY = "municipality", _("Municipality")
    AUTONOMOUS_REGION = "autonomous_region", _("Autonomous region")
    SAR = "sar", _("Special administrative region")
    PREFECTURE_CITY = "prefecture_city", _("Prefecture-level city")
    AUTONOMOUS_PREFECTURE = "autonomous_prefecture", _("Autonomous prefecture")
    PREFECTURE = "prefecture", _("Prefecture / league")
    MUNICIPAL_DISTRICTS = "municipal_districts", _("Municipal districts")
    COUNTY_DIRECT = "county_direct", _("Counties directly under the province")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
    COUNTY_CITY = "county_city", _("County-level city")
    AUTONOMOUS_COUNTY = "autonomous_county", _("Autonomous county")
    BANNER = "banner", _("Banner")
    FORESTRY_DISTRICT = "forestry_district", _("Forestry district")
    SPECIAL_DISTRICT = "special_district", _("Special district")
    FUNCTIONAL_ZONE = "functional_zone", _("Functional zone (not administrative)")
    STREET = "street", _("Sub-district (街道)")
    TOWN = "town", _("Town (镇)")
    TOWNSHIP = "township", _("Township (乡)")
    TOWNSHIP_OTHER = "township_other", _("Other township-level unit")
    COMMUNITY = "community", _("Community (社区)")
    VILLAGE = "village", _("Village (村)")
    GRID = "grid", _("Grid (网格)")


class UnitKind(models.TextChoices):
    DESIGNATED_HOSPITAL = "designated_hospital", _("Designated hospital")
    FEVER_CLINIC = "fever_clinic", _("Fever clinic")
    HOSPITAL = "hospital", _("Other treatment unit")
    ISOLATION_SITE = "isolation_site", _("Centralised isolation site")
    ENTERPRISE = "enterprise", _("Enterprise")
    MARKET = "market", _("Market")
    SCHOOL = "school", _("School")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    SERVICE_AREA = "service_area", _("Highway service area")
    SANITATION_TEAM = "sanitation_team", _("Sanitation team")
    OTHER = "other", _("Other")
