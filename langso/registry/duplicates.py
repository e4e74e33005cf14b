"""Likely duplicate households: flagged after every create, update, status change and
import, for an officer to merge (household_set_status) or dismiss.

Two active households are a likely pair when they are in the same village with the same
normalised head name, or the same house number, or when their points are within 50 m of
each other and nothing shows they differ. Neighbouring houses in a Vietnamese village
often stand 10–30 m apart, so distance alone would flag most of a village: a nearby
pair whose house numbers, or whose head names even without diacritics, are both given
and differ, is two households.

The pairs are found in SQL, set-based, a few statements per batch of households (an
import of 100,000 rows is 50 batches), on the village and spatial indexes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.core.actors import Actor
from langso.core.db import capabilities
from langso.core.errors import AccessDenied
from langso.core.models import AuditEntry
from langso.core.services import audit_record
from langso.core.text import normalize_name

from .models import Household, HouseholdStatus, LikelyDuplicate

NEARBY_METRES = 50
# A box of this many degrees each way holds every point within 50 m anywhere in Vietnam
# (50 m is 0.00045° of latitude, and 0.00049° of longitude at 23.4° N): the index finds
# the box, the exact distance decides.
_NEARBY_DEGREES = 0.0006
_BATCH = 5000

Pair = tuple[int, int]


def _batches(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while batch := list(islice(iterator, size)):
        yield batch


def _id_filter(column: str, ids: list[int]) -> tuple[str, list[Any]]:
    """`column` is one of `ids`, as SQL and its parameters."""
    if capabilities().array_parameters:
        # A set-returning subquery, not `= ANY(array)`: the planner hashes it or probes
        # the index with it, where it would test the array row by row.
        return f"{column} IN (SELECT unnest(%s::bigint[]))", [ids]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _same_village_sql(column: str, batch: list[int]) -> tuple[str, list[Any]]:
    table = Household._meta.db_table
    active = HouseholdStatus.ACTIVE
    ids, params = _id_filter("n.id", batch)
    # Table and column names come from the model, values are bound parameters.
    sql = (
        f"SELECT n.id, o.id FROM {table} n "  # noqa: S608
        f"JOIN {table} o ON o.village_id = n.village_id AND o.{column} = n.{column} "
        "AND o.id <> n.id AND o.status = %s "
        f"WHERE {ids} AND n.{column} <> '' AND n.status = %s"
    )
    return sql, [active, *params, active]


def _nearby_sql(batch: list[int]) -> tuple[str, list[Any]]:
    table = Household._meta.db_table
    active = HouseholdStatus.ACTIVE
    ids, params = _id_filter("n.id", batch)
    columns = "n.id, o.id, n.head_name_key, o.head_name_key, n.house_number, o.house_number"
    box = _NEARBY_DEGREES
    if capabilities().rtree_spatial_index:
        index = f"idx_{table}_location"
        # CROSS JOIN fixes SQLite's join order (households of the batch outside, the
        # index inside): left to itself the planner may scan the whole index per batch.
        sql = (
            f"SELECT {columns} FROM {table} n "  # noqa: S608
            f"CROSS JOIN {index} r ON r.xmin <= ST_X(n.location) + %s "
            "AND r.xmax >= ST_X(n.location) - %s "
            "AND r.ymin <= ST_Y(n.location) + %s AND r.ymax >= ST_Y(n.location) - %s "
            f"CROSS JOIN {table} o ON o.id = r.pkid AND o.id <> n.id AND o.status = %s "
            f"WHERE {ids} AND n.location IS NOT NULL AND n.status = %s "
            # SpatiaLite: distance on the ellipsoid, in metres.
            "AND ST_Distance(n.location, o.location, 1) <= %s"
        )
        return sql, [box, box, box, box, active, *params, active, NEARBY_METRES]
    sql = (
        f"SELECT {columns} FROM {table} n "  # noqa: S608
        f"JOIN {table} o ON o.location && ST_Expand(n.location, %s) "
        "AND o.id <> n.id AND o.status = %s "
        "AND ST_DWithin(n.location::geography, o.location::geography, %s) "
        f"WHERE {ids} AND n.location IS NOT NULL AND n.status = %s"
    )
    return sql, [box, active, NEARBY_METRES, *params, active]


def _flags_of(batch: list[int]) -> list[LikelyDuplicate]:
    """The stored flags, open or dismissed, that involve a household of `batch`."""
    table = LikelyDuplicate._meta.db_table
    mine, params = _id_filter("household_id", batch)
    theirs, more = _id_filter("other_id", batch)
    return list(
        LikelyDuplicate.objects.raw(
            f"SELECT * FROM {table} WHERE {mine} OR {theirs}",  # noqa: S608
            [*params, *more],
        )
    )


def _ordered(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def _differ(a: str, b: str, *, fold: bool) -> bool:
    if not a or not b:
        return False
    if fold:
        return normalize_name(a, fold_diacritics=True) != normalize_name(b, fold_diacritics=True)
    return a.strip().casefold() != b.strip().casefold()


def _pairs_for(batch: list[int]) -> dict[Pair, set[str]]:
    """Every likely pair that involves a household of `batch`, with its reasons."""
    pairs: dict[Pair, set[str]] = {}
    with connection.cursor() as cursor:
        for column, reason in (
            ("head_name_key", LikelyDuplicate.Reason.HEAD_NAME),
            ("house_number", LikelyDuplicate.Reason.HOUSE_NUMBER),
        ):
            cursor.execute(*_same_village_sql(column, batch))
            for a, b in cursor.fetchall():
                pairs.setdefault(_ordered(a, b), set()).add(reason)
        cursor.execute(*_nearby_sql(batch))
        for a, b, name_a, name_b, number_a, number_b in cursor.fetchall():
            if _differ(number_a, number_b, fold=False) or _differ(name_a, name_b, fold=True):
                continue
            pairs.setdefault(_ordered(a, b), set()).add(LikelyDuplicate.Reason.NEARBY)
    return pairs


_REASON_ORDER = {reason: i for i, reason in enumerate(LikelyDuplicate.Reason.values)}


def _sorted_reasons(reasons: set[str]) -> list[str]:
    return sorted(reasons, key=_REASON_ORDER.__getitem__)


@transaction.atomic
def likely_duplicates_flag(*, household_ids: Collection[int]) -> int:
    """Recompute the likely pairs of `household_ids` against every active household.
    New pairs are flagged, the reasons of open flags follow the data, open flags that no
    longer hold are removed, and a pair an officer dismissed is never flagged again.
    Returns how many pairs were newly flagged."""
    ids = sorted(set(household_ids))
    size = min(_BATCH, max(1, capabilities().max_query_params // 3))
    created = 0
    for batch in _batches(ids, size):
        found = _pairs_for(batch)
        existing = {(flag.household_id, flag.other_id): flag for flag in _flags_of(batch)}
        new: list[LikelyDuplicate] = []
        changed: list[LikelyDuplicate] = []
        for pair, reasons in found.items():
            flag = existing.get(pair)
            ordered = _sorted_reasons(reasons)
            if flag is None:
                new.append(LikelyDuplicate(household_id=pair[0], other_id=pair[1], reasons=ordered))
            elif flag.dismissed_at is None and flag.reasons != ordered:
                flag.reasons = ordered
                changed.append(flag)
        stale = [
            flag.pk
            for pair, flag in existing.items()
            if pair not in found and flag.dismissed_at is None
        ]
        # Two batches of one import can find the same pair: the second finds it stored.
        LikelyDuplicate.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        LikelyDuplicate.objects.bulk_update(changed, ["reasons"], batch_size=1000)
        LikelyDuplicate.objects.filter(pk__in=stale).delete()
        created += len(new)
    return created


@transaction.atomic
def likely_duplicate_dismiss(*, actor: Actor, pair: LikelyDuplicate) -> LikelyDuplicate:
    """An officer checked the pair and found two households: the flag is closed and never
    raised again for them. The officer must manage one of the two households."""
    if not actor.is_authenticated:
        raise AccessDenied(_("Bạn cần đăng nhập để thay đổi sổ hộ gia đình."))
    households = Household.objects.select_related("village", "commune").filter(
        pk__in=[pair.household_id, pair.other_id]
    )
    if not any(actor.has_perm(Permission.MANAGE_REGISTRIES, h.unit) for h in households):
        raise AccessDenied(_("Bạn không có quyền quản lý hai hộ này."))
    if pair.dismissed_at is not None:
        return pair
    pair.dismissed_at = timezone.now()
    pair.dismissed_by_id = actor.pk
    pair.save(update_fields=["dismissed_at", "dismissed_by"])
    audit_record(
        actor=actor,
        instance=pair,
        action=AuditEntry.Action.UPDATE,
        before={"dismissed_at": None, "dismissed_by": None},
        after={"dismissed_at": pair.dismissed_at.isoformat(), "dismissed_by": actor.pk},
    )
    return pair
