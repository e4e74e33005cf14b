"""Reads of administrative units. Units are public facts: reads need no scope; writes
check the actor's permission on the unit in `services`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from langso.core.errors import NotFound
from langso.core.text import normalize_name

from .models import AdminUnit, Level, UnitLineage


def today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class UnitFilters:
    level: str | None = None
    parent: AdminUnit | None = None
    q: str = ""
    valid_on: dt.date | None = None


@dataclass(frozen=True)
class UnitPage:
    units: list[AdminUnit]
    count: int
    # Keyset cursor (code, id) of the last unit, when more follow.
    next_after: tuple[str, int] | None


@dataclass(frozen=True)
class UnitLineageView:
    predecessors: list[tuple[AdminUnit, UnitLineage]] = field(default_factory=list)
    successors: list[tuple[AdminUnit, UnitLineage]] = field(default_factory=list)


def unit_queryset(*, filters: UnitFilters) -> QuerySet[AdminUnit]:
    units = AdminUnit.objects.select_related("parent")
    if filters.level:
        units = units.filter(level=filters.level)
    if filters.parent is not None:
        units = units.filter(parent=filters.parent)
    if filters.valid_on is not None:
        units = units.valid_on(filters.valid_on)
    if filters.q.strip():
        units = units.filter(search_name__contains=normalize_name(filters.q, fold_diacritics=True))
    return units


def unit_page(
    *, filters: UnitFilters, after: tuple[str, int] | None = None, limit: int = 100
) -> UnitPage:
    """One page of units ordered by code, by keyset (never OFFSET)."""
    units = unit_queryset(filters=filters)
    count = units.count()
    if after is not None:
        code, pk = after
        units = units.filter(Q(code__gt=code) | Q(code=code, pk__gt=pk))
    rows = list(units.order_by("code", "pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return UnitPage(
        units=rows,
        count=count,
        next_after=(rows[-1].code, rows[-1].pk) if more and rows else None,
    )


def unit_get(*, code: str, valid_on: dt.date | None = None) -> AdminUnit:
    """The unit with this official code in force on `valid_on` (today by default). A code
    that no unit holds on that day, such as an abolished district's, gives the unit that
    held it last. Codes are short and differ by level (2 digits for a province, 3 for a
    district, 5 for a commune), so the code alone is enough."""
    candidates = AdminUnit.objects.select_related("parent__parent__parent")
    on_day = list(candidates.filter(code=code).valid_on(valid_on or today())[:2])
    if on_day:
        return on_day[0]
    latest = candidates.filter(code=code).order_by("-valid_to").first()
    if valid_on is None and latest is not None:
        return latest
    raise NotFound(f"Không có đơn vị hành chính mã “{code}”.")


def unit_lineage(*, unit: AdminUnit) -> UnitLineageView:
    links = UnitLineage.objects.filter(Q(successor=unit) | Q(predecessor=unit)).select_related(
        "predecessor__parent", "successor__parent"
    )
    view = UnitLineageView()
    for link in links.order_by("predecessor__code", "successor__code"):
        if link.successor_id == unit.pk:
            view.predecessors.append((link.predecessor, link))
        else:
            view.successors.append((link.successor, link))
    return view


def lineage_links(
    *, predecessor_ids: Collection[int] = (), successor_ids: Collection[int] = ()
) -> list[UnitLineage]:
    """The lineage links from any of these predecessors or to any of these successors,
    with both units (their centroids and boundaries, for placing points)."""
    wanted = Q(pk__in=[])
    if predecessor_ids:
        wanted |= Q(predecessor_id__in=list(predecessor_ids))
    if successor_ids:
        wanted |= Q(successor_id__in=list(successor_ids))
    return list(UnitLineage.objects.filter(wanted).select_related("predecessor", "successor"))


def legacy_communes_under(*, unit: AdminUnit) -> QuerySet[AdminUnit]:
    """The communes of a unit before 1 July 2025 (itself for a commune), of the same
    generation."""
    return AdminUnit.objects.filter(unit.subtree_q(), level=Level.COMMUNE, valid_to=unit.valid_to)


def unit_ancestors(*, unit: AdminUnit) -> list[AdminUnit]:
    """From the province down to the unit's parent, for breadcrumbs."""
    chain: list[AdminUnit] = []
    parent = unit.parent
    while parent is not None:
        chain.append(parent)
        parent = parent.parent
    return list(reversed(chain))


def unit_children(*, unit: AdminUnit | None, valid_on: dt.date) -> QuerySet[AdminUnit]:
    """Direct children (provinces when `unit` is None), each with its number of children."""
    units = AdminUnit.objects.valid_on(valid_on)
    units = units.filter(parent__isnull=True) if unit is None else units.filter(parent=unit)
    return units.annotate(child_count=Count("children")).order_by("name")
