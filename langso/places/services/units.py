"""Writes to units as the country defines them: loading the national lists of
provinces, districts and communes with their lineage, and the commune group that the
province sets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.db import statistics_refresh
from langso.core.errors import DomainError
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.core.text import normalize_name

from ..models import AdminUnit, CommuneGroup, Level, UnitLineage, UnitSource
from ..unit_sources import SourceData, SourceUnit, UnitKey
from .access import commune_group_set_check

# Loading never touches what officers set or imported themselves.
_LOADED_FIELDS = (
    "kind",
    "name",
    "short_name",
    "search_name",
    "parent_id",
    "valid_from",
    "centroid",
    "area_km2",
    "region",
)
_ANCESTOR_FIELDS = ("province_id", "district_id", "commune_id")
_LEVEL_ORDER = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)


@dataclass(frozen=True)
class UnitLoadReport:
    source: str
    version: str
    created: int
    updated: int
    unchanged: int
    lineage_created: int
    lineage_updated: int
    lineage_unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.lineage_created or self.lineage_updated)


def same_point(a: Point | None, b: Point | None) -> bool:
    """Whether two points are the same to the sixth decimal of a degree (about 10 cm),
    as far as the lists and officers give them."""
    if a is None or b is None:
        return a is b
    return round(a.x, 6) == round(b.x, 6) and round(a.y, 6) == round(b.y, 6)


def _loaded_values(unit: SourceUnit, parent_id: int | None) -> dict[str, Any]:
    return {
        "kind": unit.kind,
        "name": unit.name,
        "short_name": unit.short_name,
        "search_name": normalize_name(unit.name, fold_diacritics=True),
        "parent_id": parent_id,
        "valid_from": unit.valid_from,
        "centroid": None
        if unit.lon is None or unit.lat is None
        else Point(unit.lon, unit.lat, srid=4326),
        "area_km2": unit.area_km2,
        "region": unit.region,
    }


def _differs(existing: AdminUnit, values: dict[str, Any]) -> bool:
    for name, value in values.items():
        current = getattr(existing, name)
        if name == "centroid":
            if not same_point(current, value):
                return True
        elif name == "area_km2":
            if (None if current is None else Decimal(current)) != value:
                return True
        elif current != value:
            return True
    return False


@transaction.atomic
def units_load(
    *, source: SourceData, progress: Callable[[str], None] | None = None
) -> UnitLoadReport:
    """Create or update units and lineage from a national list. Idempotent: loading the
    same list again writes nothing. Officers' own fields (commune group, boundaries) and
    villages are never touched."""
    say = progress or (lambda _message: None)
    unit_source, _ = UnitSource.objects.get_or_create(name=source.name, version=source.version)
    existing: dict[UnitKey, AdminUnit] = {
        (u.level, u.code, u.valid_to): u for u in AdminUnit.objects.filter(level__in=_LEVEL_ORDER)
    }
    ids: dict[UnitKey, int] = {key: unit.pk for key, unit in existing.items()}
    ancestors: dict[UnitKey, AdminUnit] = dict(existing)
    created = updated = unchanged = 0

    for level in _LEVEL_ORDER:
        to_create: list[AdminUnit] = []
        to_update: list[AdminUnit] = []
        for unit in (u for u in source.units if u.level == level):
            parent = ancestors[unit.parent] if unit.parent else None
            found = existing.get(unit.key)
            values = _loaded_values(unit, parent.pk if parent else None)
            # Ancestors at every level, itself included (set after insert for new rows).
            values |= {
                "province_id": parent.province_id if parent else None,
                "district_id": parent.district_id if parent else None,
                "commune_id": None,
                f"{level}_id": found.pk if found else None,
            }
            if found is None:
                to_create.append(
                    AdminUnit(
                        level=unit.level,
                        code=unit.code,
                        valid_to=unit.valid_to,
                        source=unit_source,
                        **values,
                    )
                )
            elif _differs(found, values):
                for name, value in values.items():
                    setattr(found, name, value)
                found.source = unit_source
                to_update.append(found)
            else:
                unchanged += 1
        AdminUnit.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            AdminUnit.objects.bulk_update(
                to_update, [*_ANCESTOR_FIELDS, *_LOADED_FIELDS, "source"], batch_size=500
            )
        # Each unit is its own ancestor at its level: the subtree is one equality.
        AdminUnit.objects.filter(level=level, **{f"{level}__isnull": True}).update(
            **{level: F("id")}
        )
        created += len(to_create)
        updated += len(to_update)
        for unit_obj in AdminUnit.objects.filter(level=level).only(
            "id", "level", "code", "valid_to", "province_id", "district_id", "commune_id"
        ):
            key = (unit_obj.level, unit_obj.code, unit_obj.valid_to)
            ancestors[key] = unit_obj
            ids[key] = unit_obj.pk
        say(f"{level}: {len(to_create)} created, {len(to_update)} updated")

    lineage_created, lineage_updated, lineage_unchanged = _lineage_load(
        source=source, unit_source=unit_source, ids=ids
    )
    say(f"lineage: {lineage_created} created, {lineage_updated} updated")
    if created or updated:
        statistics_refresh(AdminUnit)
    report = UnitLoadReport(
        source=source.name,
        version=source.version,
        created=created,
        updated=updated,
        unchanged=unchanged,
        lineage_created=lineage_created,
        lineage_updated=lineage_updated,
        lineage_unchanged=lineage_unchanged,
    )
    if report.changed or not unit_source.counts:
        unit_source.counts = {
            level: sum(1 for u in source.units if u.level == level) for level in _LEVEL_ORDER
        } | {"lineage": len(source.lineage)}
        unit_source.save()
    return report


def _lineage_load(
    *, source: SourceData, unit_source: UnitSource, ids: dict[UnitKey, int]
) -> tuple[int, int, int]:
    existing = {
        (row.predecessor_id, row.successor_id): row
        for row in UnitLineage.objects.filter(predecessor_id__in=set(ids.values())).only(
            "id", "predecessor_id", "successor_id", "kind", "is_default", "share"
        )
    }
    to_create: list[UnitLineage] = []
    to_update: list[UnitLineage] = []
    unchanged = 0
    for link in source.lineage:
        pair = (ids[link.predecessor], ids[link.successor])
        found = existing.get(pair)
        if found is None:
            to_create.append(
                UnitLineage(
                    predecessor_id=pair[0],
                    successor_id=pair[1],
                    kind=link.kind,
                    is_default=link.is_default,
                    share=link.share,
                    source=unit_source,
                )
            )
            continue
        share = None if found.share is None else Decimal(found.share)
        if (found.kind, found.is_default, share) != (link.kind, link.is_default, link.share):
            found.kind, found.is_default, found.share = link.kind, link.is_default, link.share
            found.source = unit_source
            to_update.append(found)
        else:
            unchanged += 1
    UnitLineage.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        UnitLineage.objects.bulk_update(
            to_update, ["kind", "is_default", "share", "source"], batch_size=500
        )
    return len(to_create), len(to_update), unchanged


# ---------------------------------------------------------------------------------------
# Commune groups of the 2026-2030 criteria, set by the province.


@transaction.atomic
def commune_group_set(*, actor: Actor, commune: AdminUnit, group: str) -> AdminUnit:
    """Put a current commune in a group (NHOM_1..3) of 51/2025/QĐ-TTg, or "" to clear."""
    commune_group_set_check(actor=actor, commune=commune)
    if group and group not in CommuneGroup.values:
        raise DomainError(
            _("Nhóm xã “%(group)s” không hợp lệ; chọn một trong: %(groups)s.")
            % {"group": group, "groups": ", ".join(CommuneGroup.values)}
        )
    if commune.commune_group == group:
        return commune
    before = model_snapshot(commune, ["commune_group"])
    commune.commune_group = group
    commune.save(update_fields=["commune_group", "updated_at"])
    audit_record(
        actor=actor,
        instance=commune,
        action=AuditEntry.Action.UPDATE,
        before=before,
        after=model_snapshot(commune, ["commune_group"]),
    )
    return commune
