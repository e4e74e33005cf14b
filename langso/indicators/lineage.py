"""Figures across the merger of 1 July 2025, both ways.

**Current figures on a legacy unit** (an old plan's targets were set per old commune,
district or province). A legacy commune P went, whole or in part, into current communes
C. Of each C's households:
- those placed on the map are P's when their point lies in P's boundary, or, where the
  predecessors' boundaries are not loaded, when P's centroid is the nearest among C's
  predecessors: counted exactly, household by household;
- those not placed are shared among C's predecessors in the proportion of C's placed
  households, or, where C has none placed, by the lineage's shares (the part of P that
  went to C; a part of unknown size counts as an equal split of P among its successors,
  and every predecessor as the same size).
A closed period keeps no household positions, so its figures go by the shares alone.
A legacy district or province is the sum of its legacy communes.

**Legacy figures on a current unit** (values reported per old commune or province for a
period that ended before the merger): each predecessor's figure times the share of it
that went to the current unit, by the same shares.

Every split here is an estimate where positions are unknown; the figures say so by how
they were made, and a share is never invented where the lineage gives a whole.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import Sum
from shapely import wkb
from shapely.geometry import Point
from shapely.prepared import prep

from langso.places.models import AdminUnit, Level, UnitLineage
from langso.places.selectors import legacy_communes_under, lineage_links
from langso.registry.selectors.households import households_with_position

from .measures import HouseholdMeasure
from .models import FrozenAggregate, Period

# (predecessor id, successor id) -> the part of the predecessor that went to the successor
Shares = dict[tuple[int, int], Decimal]
# unit id -> measure code -> figure
Totals = dict[int, dict[str, Decimal]]


def lineage_shares(links: Iterable[UnitLineage]) -> Shares:
    """The part of each predecessor that went to each successor: the recorded share, 1
    for a whole, and for a part of unknown size an equal split among the predecessor's
    successors."""
    links = list(links)
    successors: dict[int, int] = defaultdict(int)
    for link in links:
        successors[link.predecessor_id] += 1
    return {
        (link.predecessor_id, link.successor_id): (
            link.share
            if link.share is not None
            else Decimal(1)
            if link.kind == UnitLineage.Kind.WHOLE
            else Decimal(1) / successors[link.predecessor_id]
        )
        for link in links
    }


def _weights_by_shares(shares: Shares) -> dict[int, dict[int, Decimal]]:
    """successor -> predecessor -> the part of the successor taken as the
    predecessor's, every predecessor counted the same size."""
    received: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for (predecessor, successor), share in shares.items():
        received[successor][predecessor] = share
    weights: dict[int, dict[int, Decimal]] = {}
    for successor, parts in received.items():
        total = sum(parts.values())
        weights[successor] = {p: share / total for p, share in parts.items()} if total else {}
    return weights


class _Placer:
    """Which predecessor of a current commune a point lies in: by boundary where the
    predecessors have one, else by the nearest centroid."""

    def __init__(self, links: Sequence[UnitLineage]) -> None:
        self.candidates: dict[int, list[AdminUnit]] = defaultdict(list)
        for link in links:
            self.candidates[link.successor_id].append(link.predecessor)
        self.shapes = {
            unit.pk: prep(wkb.loads(bytes(unit.boundary.wkb)))
            for units in self.candidates.values()
            for unit in units
            if unit.boundary is not None
        }

    def place(self, successor: int, x: float, y: float) -> int | None:
        units = self.candidates.get(successor, [])
        point = Point(x, y)
        for unit in units:
            shape = self.shapes.get(unit.pk)
            if shape is not None and shape.contains(point):
                return unit.pk
        scale = math.cos(math.radians(y))
        nearest = (
            min(
                (
                    ((unit.centroid.x - x) * scale) ** 2 + (unit.centroid.y - y) ** 2,
                    unit.pk,
                )
                for unit in units
                if unit.centroid is not None
            )
            if any(unit.centroid is not None for unit in units)
            else None
        )
        return nearest[1] if nearest else None


def _legacy_communes(units: Sequence[AdminUnit]) -> dict[int, list[int]]:
    """legacy commune id -> the asked units it counts towards."""
    towards: dict[int, list[int]] = defaultdict(list)
    for unit in units:
        if unit.level == Level.COMMUNE:
            towards[unit.pk].append(unit.pk)
            continue
        for commune_id in legacy_communes_under(unit=unit).values_list("pk", flat=True):
            towards[commune_id].append(unit.pk)
    return towards


def _frozen_by_commune(
    period: Period, commune_ids: Iterable[int], measures: Sequence[HouseholdMeasure]
) -> Totals:
    totals: Totals = defaultdict(dict)
    for commune_id, code, value in (
        FrozenAggregate.objects.filter(
            period=period, commune_id__in=list(commune_ids), measure__in=[m.code for m in measures]
        )
        .values_list("commune_id", "measure")
        .annotate(total=Sum("value"))
        .order_by()
    ):
        totals[commune_id][code] = Decimal(value)
    return totals


def current_on_legacy(
    *,
    measures: Sequence[HouseholdMeasure],
    units: Sequence[AdminUnit],
    frozen: Period | None = None,
) -> Totals:
    """Each measure at each legacy unit, from today's households (or from the figures
    a closed period froze per current commune, by shares alone)."""
    towards = _legacy_communes(units)
    own = lineage_links(predecessor_ids=towards)
    successors = {link.successor_id for link in own}
    # Every predecessor of those successors, ours or not, competes for their households.
    links = lineage_links(successor_ids=successors)
    links = [link for link in links if link.successor_id in successors]
    shares = lineage_shares(lineage_links(predecessor_ids={link.predecessor_id for link in links}))
    shares = {key: share for key, share in shares.items() if key[1] in successors}
    by_shares = _weights_by_shares(shares)

    per_commune: Totals = defaultdict(lambda: defaultdict(Decimal))
    if frozen is not None:
        figures_then = _frozen_by_commune(frozen, successors, measures)
        for successor, weights in by_shares.items():
            for predecessor, weight in weights.items():
                for code, figure in figures_then.get(successor, {}).items():
                    per_commune[predecessor][code] += figure * weight
    else:
        placer = _Placer(links)
        unplaced: Totals = defaultdict(lambda: defaultdict(Decimal))
        placed_households: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for values in households_with_position(commune_ids=sorted(successors)):
            successor = values["commune_id"]
            predecessor = None
            if values["x"] is not None and values["y"] is not None:
                predecessor = placer.place(successor, values["x"], values["y"])
            if predecessor is not None and values["status"] == "active":
                placed_households[successor][predecessor] += 1
            target = per_commune[predecessor] if predecessor is not None else unplaced[successor]
            for measure in measures:
                amount = measure.contribution(values)
                if amount:
                    target[measure.code] += amount
        for successor, figures in unplaced.items():
            counted = placed_households.get(successor)
            if counted:
                total = sum(counted.values())
                weights = {p: Decimal(n) / total for p, n in counted.items()}
            else:
                weights = by_shares.get(successor, {})
            for predecessor, weight in weights.items():
                for code, figure in figures.items():
                    per_commune[predecessor][code] += figure * weight

    totals: Totals = defaultdict(lambda: defaultdict(Decimal))
    for commune_id, asked in towards.items():
        for unit_id in asked:
            for code, figure in per_commune.get(commune_id, {}).items():
                totals[unit_id][code] += figure
    return totals


def legacy_on_current(
    *, figures: dict[int, tuple[Decimal, Decimal | None, int]], current_ids: Iterable[int]
) -> dict[int, tuple[Decimal, Decimal | None, int]]:
    """Figures of legacy units (numerator, denominator, entries) expressed on their
    current successors: each times the part of it that went there."""
    links = lineage_links(predecessor_ids=set(figures))
    shares = lineage_shares(links)
    wanted = set(current_ids)
    result: dict[int, tuple[Decimal, Decimal | None, int]] = {}
    for (predecessor, successor), share in shares.items():
        if successor not in wanted:
            continue
        numerator, denominator, reports = figures[predecessor]
        before = result.get(successor, (Decimal(0), None, 0))
        result[successor] = (
            before[0] + numerator * share,
            None
            if denominator is None and before[1] is None
            else (before[1] or Decimal(0)) + (denominator or Decimal(0)) * share,
            before[2] + reports,
        )
    return result
