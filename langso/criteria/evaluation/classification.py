"""Which thresholds apply to a unit: the region or commune group it is classified in for
the year, by the province's classification, the unit's own, or — for a commune formed in
the 2025 merger — its predecessors' region, with the hardship rule of 318/QĐ-TTg."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from langso.places.models import AdminUnit, UnitLineage

from ..catalogue import ALL_UNITS
from ..models import CommuneClassification, CriteriaSet, VariesBy
from .units import GEOMETRY


@dataclass
class Classified:
    """A unit's threshold key (region, commune group, or every unit), and why, where
    that is worth saying."""

    key: str
    reason: str


def units_classify(
    *, criteria_set: CriteriaSet, units: Sequence[AdminUnit], year: int
) -> dict[int, Classified]:
    """The threshold key of each unit: its region or commune group in the year
    (the province's classification, else the unit's own, else — for a current
    commune — its predecessors' region), with the hardship rule of 318/QĐ-TTg."""
    if criteria_set.varies_by == VariesBy.NOTHING:
        return {unit.pk: Classified(ALL_UNITS, "") for unit in units}
    commune_of = {unit.pk: unit.commune_id or unit.pk for unit in units}
    rows = {
        c.unit_id: c
        for c in CommuneClassification.objects.filter(year=year, unit__in=set(commune_of.values()))
    }
    communes = {
        c.pk: c
        for c in AdminUnit.objects.filter(pk__in=set(commune_of.values()))
        .select_related("province")
        .defer(*GEOMETRY, "province__boundary", "province__centroid")
    }
    hardship = str(criteria_set.spec.get("hardship_region") or "")
    inherited: dict[int, str] = {}
    if criteria_set.varies_by == VariesBy.REGION:
        inherited = _regions_from_lineage([c for c in communes.values() if not _own_region(c)])
    classified = {}
    for unit in units:
        commune = communes.get(commune_of[unit.pk])
        row = rows.get(commune_of[unit.pk])
        if criteria_set.varies_by == VariesBy.COMMUNE_GROUP:
            group = (row.commune_group if row else "") or (commune.commune_group if commune else "")
            reason = (
                _("phân loại năm %(year)s") % {"year": year} if row and row.commune_group else ""
            )
            classified[unit.pk] = Classified(group, reason)
            continue
        if row is not None and hardship and (row.extremely_disadvantaged or row.safe_zone):
            why = _("xã đặc biệt khó khăn") if row.extremely_disadvantaged else _("xã an toàn khu")
            classified[unit.pk] = Classified(
                hardship,
                _("%(why)s: dùng ngưỡng vùng %(region)s") % {"why": why, "region": hardship},
            )
            continue
        region = (
            (row.region if row else "")
            or (commune.region if commune else "")
            or (commune.province.region if commune and commune.province else "")
            or inherited.get(commune_of[unit.pk], "")
        )
        reason = ""
        if commune_of[unit.pk] in inherited and region == inherited[commune_of[unit.pk]]:
            reason = _("vùng của các xã trước sáp nhập")
        classified[unit.pk] = Classified(region, reason)
    return classified


def _regions_from_lineage(communes: Sequence[AdminUnit]) -> dict[int, str]:
    """A current commune's region: that of most of its predecessors' provinces (a
    2025 province can span two regions, as Lâm Đồng spans Tây Nguyên and the
    south-central coast)."""
    if not communes:
        return {}
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for successor, region in UnitLineage.objects.filter(
        successor__in=[c.pk for c in communes]
    ).values_list("successor_id", "predecessor__province__region"):
        if region:
            counts[successor][region] += 1
    return {pk: c.most_common(1)[0][0] for pk, c in counts.items() if c}


def _own_region(commune: AdminUnit) -> str:
    return commune.region or (commune.province.region if commune.province else "")
