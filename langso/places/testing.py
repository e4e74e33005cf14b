"""Test helpers shared by every app: small administrative trees built row by row.

Each unit carries its ancestors at every level, itself included (see `AdminUnit`): a
province has province=itself; a commune has province and commune=itself (and district
for a legacy commune); a village has province, commune, village=itself and
parent=commune.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Self

from langso.places.models import LEGACY_VALID_TO, MERGER_2025, AdminUnit, Kind, Level


def make_province(
    *, code: str, name: str, valid_to: dt.date | None = None, region: str = ""
) -> AdminUnit:
    unit = AdminUnit.objects.create(
        level=Level.PROVINCE,
        kind=Kind.TINH,
        code=code,
        name=name,
        short_name=name.removeprefix("Tỉnh ").removeprefix("Thành phố "),
        valid_from=None if valid_to else MERGER_2025,
        valid_to=valid_to,
        region=region,
    )
    unit.province = unit
    unit.save(update_fields=["province", "search_name"])
    return unit


def make_district(*, province: AdminUnit, code: str, name: str) -> AdminUnit:
    """A district: abolished on 1 July 2025, so always a legacy unit."""
    unit = AdminUnit.objects.create(
        level=Level.DISTRICT,
        kind=Kind.HUYEN,
        code=code,
        name=name,
        short_name=name.removeprefix("Huyện "),
        parent=province,
        province=province,
        valid_to=LEGACY_VALID_TO,
    )
    unit.district = unit
    unit.save(update_fields=["district", "search_name"])
    return unit


def make_commune(
    *,
    province: AdminUnit,
    code: str,
    name: str,
    district: AdminUnit | None = None,
    valid_to: dt.date | None = None,
    kind: str = Kind.XA,
) -> AdminUnit:
    """A current commune under its province, or a legacy one under `district`; a xã
    unless `kind` says otherwise (a phường, an đặc khu)."""
    if district is not None and valid_to is None:
        valid_to = LEGACY_VALID_TO
    unit = AdminUnit.objects.create(
        level=Level.COMMUNE,
        kind=kind,
        code=code,
        name=name,
        short_name=name.removeprefix("Xã ").removeprefix("Phường ").removeprefix("Đặc khu "),
        parent=district or province,
        province=province,
        district=district,
        valid_from=None if valid_to else MERGER_2025,
        valid_to=valid_to,
    )
    unit.commune = unit
    unit.save(update_fields=["commune", "search_name"])
    return unit


def make_village(*, commune: AdminUnit, code: str, name: str) -> AdminUnit:
    unit = AdminUnit.objects.create(
        level=Level.VILLAGE,
        kind=Kind.THON,
        code=code,
        name=name,
        short_name=name.removeprefix("Thôn "),
        parent=commune,
        province=commune.province,
        district=commune.district,
        commune=commune,
        valid_to=commune.valid_to,
    )
    unit.village = unit
    unit.save(update_fields=["village", "search_name"])
    return unit


@dataclass
class UnitTree:
    """A current province with communes, each with villages, in creation order."""

    province: AdminUnit
    communes: list[AdminUnit] = field(default_factory=list)
    villages: dict[int, list[AdminUnit]] = field(default_factory=dict)

    def villages_of(self, commune: AdminUnit) -> list[AdminUnit]:
        return self.villages[commune.pk]


@dataclass
class CommunePair:
    """Ninh Bình (37) seen as its first two communes, A and B, each with two villages:
    what commune A's officers may do, B's may not. Apps' test trees build on it."""

    ninh_binh: UnitTree

    @classmethod
    def make(cls) -> Self:
        return cls(ninh_binh=make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình"))

    @property
    def province(self) -> AdminUnit:
        return self.ninh_binh.province

    @property
    def a(self) -> AdminUnit:
        return self.ninh_binh.communes[0]

    @property
    def b(self) -> AdminUnit:
        return self.ninh_binh.communes[1]


def make_unit_tree(
    *,
    province_code: str = "37",
    province_name: str = "Tỉnh Ninh Bình",
    communes: int = 2,
    villages_per_commune: int = 2,
) -> UnitTree:
    """Province → `communes` communes → `villages_per_commune` villages each. Codes are
    derived from the province code, so two trees with different codes never clash."""
    tree = UnitTree(province=make_province(code=province_code, name=province_name))
    for c in range(1, communes + 1):
        commune = make_commune(
            province=tree.province,
            code=f"{province_code}{c:03d}",
            name=f"Xã {province_name.removeprefix('Tỉnh ')} {c}",
        )
        tree.communes.append(commune)
        tree.villages[commune.pk] = [
            make_village(
                commune=commune,
                code=f"{commune.code}-{v:02d}",
                name=f"Thôn {v} {commune.short_name}",
            )
            for v in range(1, villages_per_commune + 1)
        ]
    return tree
