"""Reads of the recognition facts (a unit recognised as meeting a set for a year, by a
province's decision, and its revocation), for the scorecard, the API and the
recognition module's lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Q, QuerySet

from langso.places.models import AdminUnit

from ..models import CriteriaSet, Recognition


def recognitions_of(
    *,
    units: Sequence[AdminUnit] | QuerySet[AdminUnit],
    set_code: str | None = None,
    year: int | None = None,
) -> QuerySet[Recognition]:
    """The recognitions (in force or revoked) of `units`, of the set `set_code` and for
    `year` where given, newest year first, with their units and provinces."""
    found = Recognition.objects.filter(unit__in=units)
    if set_code:
        found = found.filter(set_code=set_code)
    if year is not None:
        found = found.filter(year=year)
    return found.select_related("unit", "unit__province", "unit__commune", "province").order_by(
        "-year", "set_code", "unit__code"
    )


def recognition_get(*, unit: AdminUnit, set_code: str, year: int) -> Recognition | None:
    """The unit's recognition for the set and year, in force or revoked; None if none."""
    return Recognition.objects.filter(unit=unit, set_code=set_code, year=year).first()


def set_names(*, codes: Iterable[str], province: AdminUnit | None = None) -> dict[str, str]:
    """The Vietnamese name of each set code (the province's own version first, else the
    national one's latest), in one query; a code no set has keeps itself."""
    wanted = set(codes)
    owners = Q(province__isnull=True) | (Q(province=province) if province else Q(pk__in=[]))
    # Read oldest first so that the latest national version, then the province's, win.
    rows = (
        CriteriaSet.objects.filter(owners, code__in=wanted)
        .order_by("code", "version")
        .values_list("code", "province_id", "name_vi")
    )
    names = {code: name for code, _owner, name in sorted(rows, key=lambda r: r[1] is not None)}
    return {code: names.get(code, code) for code in wanted}
