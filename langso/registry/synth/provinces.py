"""A province as the generator reads it: its current communes as sites, their cells and
coastal communes, its weight, whether it holds synthetic data, and how many households
each province gets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import shapely
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from langso.core.errors import DomainError
from langso.places.models import AdminUnit, Level

from .base import NATION_HOUSEHOLDS, PROVINCE_SIZES, SYNTH_SOURCE, split_total
from .cells import CommuneSite, coastal_codes, commune_cells, commune_weight, typical_area


def commune_site(commune: AdminUnit) -> CommuneSite:
    assert commune.centroid is not None  # noqa: S101  # callers keep communes with one
    return CommuneSite(
        code=commune.code,
        kind=commune.kind,
        lon=commune.centroid.x,
        lat=commune.centroid.y,
        area_km2=float(commune.area_km2) if commune.area_km2 is not None else None,
    )


def current_communes(province: AdminUnit) -> list[AdminUnit]:
    """The province's current communes that have a centroid, in code order."""
    return list(
        AdminUnit.objects.current()
        .filter(province=province, level=Level.COMMUNE, centroid__isnull=False)
        .select_related("province")
        .order_by("code")
    )


def boundary_shape(unit: AdminUnit) -> Any:
    return shapely.from_wkb(bytes(unit.boundary.wkb)) if unit.boundary is not None else None


def own_boundaries(communes: Sequence[AdminUnit]) -> dict[str, Any]:
    """The communes' real boundaries, where loaded, by code."""
    return {c.code: boundary_shape(c) for c in communes if c.boundary is not None}


def province_cells(province: AdminUnit) -> dict[int, Any]:
    """The polygon of each current commune of the province where synthetic data goes
    (shapely, lon/lat), by commune id: its real boundary if loaded, otherwise its
    synthetic cell. Computed, never stored: the same units give the same cells."""
    communes = current_communes(province)
    cells = commune_cells(
        [commune_site(c) for c in communes], boundary_shape(province), own_boundaries(communes)
    )
    return {c.pk: cells[c.code] for c in communes}


def province_coastal_communes(province: AdminUnit) -> set[int]:
    """Ids of the province's communes taken as coastal (see `cells`)."""
    communes = current_communes(province)
    sites = [commune_site(c) for c in communes]
    coastal = coastal_codes(province.code, sites, boundary_shape(province))
    return {c.pk for c in communes if c.code in coastal}


def province_weights(provinces: Sequence[AdminUnit]) -> dict[int, float]:
    """Each province's weight: the sum of its communes' (see `commune_weight`)."""
    weights: dict[int, float] = {}
    for province in provinces:
        sites = [commune_site(c) for c in current_communes(province)]
        mean = typical_area(sites)
        weights[province.pk] = sum(commune_weight(s, mean_area=mean) for s in sites)
    return weights


def has_synthetic_data(province: AdminUnit) -> bool:
    return synthetic_villages(province).exists()


def synthetic_villages(province: AdminUnit) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(
        province=province, level=Level.VILLAGE, source__name=SYNTH_SOURCE
    )


def provinces_for(codes: Sequence[str] | None) -> list[AdminUnit]:
    """The current provinces with these codes (all 34 for None), in code order. An
    unknown code is an error that names it."""
    current = AdminUnit.objects.current().filter(level=Level.PROVINCE)
    if codes is None:
        return list(current.order_by("code"))
    found = {p.code: p for p in current.filter(code__in=[c.strip() for c in codes])}
    unknown = [c for c in codes if c.strip() not in found]
    if unknown:
        raise DomainError(
            _("Không có tỉnh hiện hành mã %(codes)s (đã nạp đơn vị hành chính chưa?).")
            % {"codes": ", ".join(f"“{c}”" for c in unknown)}
        )
    return [found[c] for c in sorted(found)]


def households_by_province(
    provinces: Sequence[AdminUnit], *, size: str | None, households: int | None
) -> dict[int, int]:
    """Households to generate per province: a named size per province, 18 million for the
    nation shared by weight, or `households` in all shared by weight."""
    if households is None and size in PROVINCE_SIZES:
        return {p.pk: PROVINCE_SIZES[size] for p in provinces}
    weights = province_weights(provinces)
    if households is None:
        everywhere = province_weights(provinces_for(None))
        households = round(NATION_HOUSEHOLDS * sum(weights.values()) / sum(everywhere.values()))
    shares = split_total(households, [weights[p.pk] for p in provinces])
    return {p.pk: share for p, share in zip(provinces, shares, strict=True)}
