"""The criteria sets in force for a province (its own, its variants of national sets,
and the national ones), a set's stored versions, and one version's rows."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Max, Q
from django.utils.translation import gettext as _

from langso.core.errors import NotFound
from langso.places.models import AdminUnit

from ..models import CriteriaSet, Criterion, CriterionIndicator


def _latest_ids(queryset: models.QuerySet[CriteriaSet]) -> list[int]:
    latest = queryset.values("code", "province").annotate(top=Max("version"))
    condition = Q(pk__in=[])
    for row in latest:
        condition |= Q(code=row["code"], province=row["province"], version=row["top"])
    return list(CriteriaSet.objects.filter(condition).values_list("pk", flat=True))


def criteria_sets_in_force(*, province: AdminUnit | None) -> list[CriteriaSet]:
    """The latest version of every national set, and of the province's own sets; a
    province's variant of a national set stands in its place."""
    owners = Q(province__isnull=True)
    if province is not None:
        owners |= Q(province=province)
    latest = CriteriaSet.objects.filter(
        pk__in=_latest_ids(CriteriaSet.objects.filter(owners))
    ).select_related("province")
    by_code: dict[str, CriteriaSet] = {}
    for criteria_set in latest.order_by("year_from", "level", "code"):
        if criteria_set.code not in by_code or criteria_set.province_id is not None:
            by_code[criteria_set.code] = criteria_set
    return sorted(by_code.values(), key=lambda s: (-s.year_from, s.level, s.code))


def criteria_set_in_force(
    *, code: str, province: AdminUnit | None, year: int | None = None
) -> CriteriaSet:
    """The province's variant or own set of `code` if it has one (that applies in
    `year`, when given), else the national."""
    found = None
    for owner in ([province] if province is not None else []) + [None]:
        found = (
            CriteriaSet.objects.filter(code=code, province=owner)
            .select_related("province")
            .order_by("-version")
            .first()
        )
        if found is not None and (year is None or found.applies_in(year)):
            return found
    if found is not None:
        return found
    raise NotFound(_("Không có bộ tiêu chí “%(code)s”.") % {"code": code})


def criteria_set_versions(*, code: str, province: AdminUnit | None) -> list[CriteriaSet]:
    """The national versions of `code`, then the province's, newest first (NULLs put
    first explicitly: SQLite and PostgreSQL sort them at opposite ends)."""
    owners = Q(province__isnull=True) | (Q(province=province) if province else Q(pk__in=[]))
    return list(
        CriteriaSet.objects.filter(owners, code=code)
        .select_related("province", "created_by")
        .order_by(F("province_id").asc(nulls_first=True), "-version")
    )


def criteria_set_rows(
    criteria_set: CriteriaSet,
) -> tuple[list[Criterion], list[CriterionIndicator]]:
    """A version's criteria and indicators (conditions included), in their order."""
    criteria = list(criteria_set.criteria.all())
    indicators = list(criteria_set.indicators.all())
    return criteria, indicators
