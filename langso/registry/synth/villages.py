"""A commune's synthetic villages: kinds and names as the part of the country has them,
and writing them as units ("synth" source, codes "<commune code>-S<nn>")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.contrib.gis.geos import Point
from django.db.models import F

from langso.core.text import normalize_name
from langso.places.models import AdminUnit, Kind, Level, UnitSource
from langso.places.services.villages import village_short_name

from .base import (
    MOUNTAIN_PROVINCES,
    SOUTHERN_PROVINCES,
    URBAN_KINDS,
    CommunePlan,
    PlacedVillage,
    rng_for,
)
from .cells import sample_points


@dataclass(frozen=True)
class VillageSpec:
    local_code: str
    name: str
    kind: str


_VILLAGE_NAMES = [
    "Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Đoài", "Tân Lập", "Tân Tiến",
    "Tân Phong", "An Bình", "An Lạc", "Phú Mỹ", "Phú Xuân", "Hòa Bình", "Đồng Tâm",
    "Quyết Tiến", "Thắng Lợi", "Bình Minh", "Yên Thái", "Lạc Thiện", "Văn Tiến", "Phúc Hậu",
    "Hưng Long", "Thanh Bình", "Đồng Xuân", "Cầu Gạch", "Chợ Cũ", "Đình Trung",
]  # fmt: skip
_HAMLET_NAMES = [
    "Tân Hòa", "Phú Thạnh", "An Thới", "Bình Đông", "Long Hưng", "Mỹ Phước", "Thạnh Lợi",
    "Vĩnh Hòa", "Hòa Thuận", "Tân Thành", "Phước Lộc", "Rạch Gốc", "Kinh Mới", "Cây Dương",
    "Xẻo Đước", "Giồng Trôm", "Cái Tắc", "Thới Long", "Long Thạnh", "Mỹ Hòa", "Tân Quy",
    "An Phú", "Bình Thạnh", "Phú Lợi", "Cầu Xây",
]  # fmt: skip
_BAN_FIRST = ["Nà", "Huổi", "Pá", "Co", "Phiêng", "Nậm", "Hua", "Bó", "Khuổi", "Lũng"]
_BAN_SECOND = ["Sài", "Lóng", "Khoang", "Muồng", "Pục", "Cang", "Ngòa", "Tấu", "Mòn", "Hẹ"]
_KIND_WORD: dict[str, str] = {
    Kind.THON: "Thôn",
    Kind.AP: "Ấp",
    Kind.BAN: "Bản",
    Kind.XOM: "Xóm",
    Kind.TO_DAN_PHO: "Tổ dân phố",
}


def village_kind(rng: np.random.Generator, *, province_code: str, commune_kind: str) -> str:
    """Wards and towns have residential groups (tổ dân phố); rural communes have the
    hamlets of their part of the country: ấp in the south, bản in the north-west
    mountains, xóm in Nghệ An and Thái Nguyên, thôn elsewhere."""
    if commune_kind in URBAN_KINDS:
        return Kind.TO_DAN_PHO
    if province_code in SOUTHERN_PROVINCES:
        return Kind.AP
    if province_code in {"11", "12", "14"}:
        return Kind.BAN
    if province_code in MOUNTAIN_PROVINCES:
        return Kind.BAN if rng.random() < 0.5 else Kind.THON
    if province_code in {"19", "40"}:
        return Kind.XOM
    return Kind.THON


def village_specs(
    rng: np.random.Generator,
    *,
    province_code: str,
    commune_kind: str,
    taken_codes: Iterable[str] = (),
    taken_names: Iterable[str] = (),
) -> list[VillageSpec]:
    """8 to 25 villages of one commune, all of one kind, named as such villages are
    ("Thôn 1", "Thôn Đông", "Ấp Tân Hòa", "Bản Nà Sài", "Tổ dân phố 3"), avoiding the
    local codes and names the commune already uses."""
    count = int(rng.integers(8, 26))
    kind = village_kind(rng, province_code=province_code, commune_kind=commune_kind)
    word = _KIND_WORD[kind]
    if kind == Kind.BAN:
        pairs = [f"{a} {b}" for a in _BAN_FIRST for b in _BAN_SECOND]
        candidates = [pairs[i] for i in rng.permutation(len(pairs))]
    elif kind == Kind.TO_DAN_PHO or rng.random() < 0.5:
        candidates = [str(n) for n in range(1, 100)]
    else:
        names = _HAMLET_NAMES if kind == Kind.AP else _VILLAGE_NAMES
        candidates = [names[i] for i in rng.permutation(len(names))]
        candidates += [str(n) for n in range(1, 100)]
    codes = set(taken_codes)
    names_taken = {normalize_name(n) for n in taken_names}
    specs: list[VillageSpec] = []
    number = 0
    for candidate in candidates:
        if len(specs) == count:
            break
        name = f"{word} {candidate}"
        if normalize_name(name) in names_taken:
            continue
        number += 1
        while f"S{number:02d}" in codes:
            number += 1
        specs.append(VillageSpec(local_code=f"S{number:02d}", name=name, kind=kind))
    return specs


def villages_create(plans: list[CommunePlan], *, seed: int, source: UnitSource) -> int:
    """The villages of every planned commune, in bulk, each its own village ancestor."""
    commune_ids = [p.commune.pk for p in plans]
    existing: dict[int, list[tuple[str, str]]] = {}
    for commune_id, code, name in (
        AdminUnit.objects.current()
        .filter(level=Level.VILLAGE, commune_id__in=commune_ids)
        .values_list("commune_id", "code", "name")
    ):
        existing.setdefault(commune_id, []).append((code.split("-", 1)[-1], name))
    units: list[AdminUnit] = []
    points: dict[str, tuple[float, float]] = {}
    for plan in plans:
        rng = rng_for(seed, plan.site.code, 1)
        taken = existing.get(plan.commune.pk, [])
        specs = village_specs(
            rng,
            province_code=plan.province_code,
            commune_kind=plan.site.kind,
            taken_codes=[c for c, _n in taken],
            taken_names=[n for _c, n in taken],
        )
        centres = sample_points(rng, plan.area, len(specs))
        for spec, (lon, lat) in zip(specs, centres.tolist(), strict=True):
            code = f"{plan.commune.code}-{spec.local_code}"
            points[code] = (lon, lat)
            units.append(
                AdminUnit(
                    level=Level.VILLAGE,
                    kind=spec.kind,
                    code=code,
                    name=spec.name,
                    short_name=village_short_name(spec.name, spec.kind),
                    search_name=normalize_name(spec.name, fold_diacritics=True),
                    parent=plan.commune,
                    province_id=plan.commune.province_id,
                    district_id=plan.commune.district_id,
                    commune_id=plan.commune.pk,
                    valid_from=plan.commune.valid_from,
                    centroid=Point(lon, lat, srid=4326),
                    source=source,
                )
            )
    AdminUnit.objects.bulk_create(units, batch_size=500)
    created = AdminUnit.objects.filter(
        level=Level.VILLAGE, commune_id__in=commune_ids, source=source, village__isnull=True
    )
    by_commune: dict[int, list[PlacedVillage]] = {}
    for unit in created.order_by("code"):
        lon, lat = points[unit.code]
        by_commune.setdefault(unit.commune_id or 0, []).append(
            PlacedVillage(unit.pk, unit.code, unit.name, unit.short_name, lon, lat)
        )
    # A village is its own ancestor at its level, as every unit is (see AdminUnit).
    created.update(village=F("id"))
    for plan in plans:
        plan.villages = by_commune.get(plan.commune.pk, [])
    return len(units)
