"""Reads the national lists of administrative units from the `vietnamadminunits` package
(MIT): the 34 provinces and 3,321 communes in force since 1 July 2025, the 63 provinces,
their districts and communes before, and which old units went into which new ones.

This module only reads and shapes the data; `services.units.units_load` writes it.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.resources import files
from typing import Any

from .models import LEGACY_VALID_TO, MERGER_2025, Kind, Level
from .regions import LEGACY_PROVINCE_REGIONS

PACKAGE = "vietnamadminunits"

_DISTRICT_KINDS = {
    "Quận": Kind.QUAN,
    "Huyện": Kind.HUYEN,
    "Thị xã": Kind.THI_XA,
    "Thành phố": Kind.THANH_PHO_THUOC_TINH,
}
_COMMUNE_KINDS = {
    "Xã": Kind.XA,
    "Phường": Kind.PHUONG,
    "Thị trấn": Kind.THI_TRAN,
    "Đặc khu": Kind.DAC_KHU,
}

# A unit is identified across generations by (level, code, valid_to): codes are reused.
UnitKey = tuple[str, str, dt.date | None]


@dataclass
class SourceUnit:
    level: str
    kind: str
    code: str
    name: str
    short_name: str
    parent: UnitKey | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    lon: float | None
    lat: float | None
    area_km2: Decimal | None = None
    region: str = ""

    @property
    def key(self) -> UnitKey:
        return (self.level, self.code, self.valid_to)


@dataclass(frozen=True)
class SourceLineage:
    predecessor: UnitKey
    successor: UnitKey
    kind: str  # "whole" or "part"
    is_default: bool
    share: Decimal | None


@dataclass
class SourceData:
    name: str
    version: str
    units: list[SourceUnit] = field(default_factory=list)
    lineage: list[SourceLineage] = field(default_factory=list)


def _province_kind(name: str) -> str:
    return Kind.THANH_PHO if name.startswith("Thành phố") else Kind.TINH


def _province(
    row: dict[str, Any],
    *,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    area_km2: Decimal | None = None,
    region: str = "",
) -> SourceUnit:
    """The province of a row of either table (both name its columns alike)."""
    return SourceUnit(
        level=Level.PROVINCE,
        kind=_province_kind(row["province"]),
        code=row["provinceCode"],
        name=row["province"],
        short_name=row["provinceShort"],
        parent=None,
        valid_from=valid_from,
        valid_to=valid_to,
        lon=row["provinceLon"],
        lat=row["provinceLat"],
        area_km2=area_km2,
        region=region,
    )


def _commune(
    row: dict[str, Any],
    *,
    parent: UnitKey,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    area_km2: Decimal | None = None,
) -> SourceUnit:
    """The commune (ward) of a row of either table."""
    return SourceUnit(
        level=Level.COMMUNE,
        kind=_COMMUNE_KINDS[row["wardType"]],
        code=row["wardCode"],
        name=row["ward"],
        short_name=row["wardShort"],
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        lon=row["wardLon"],
        lat=row["wardLat"],
        area_km2=area_km2,
    )


def _area(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def read_vietnamadminunits() -> SourceData:
    data_dir = files(PACKAGE) / "data"
    data = SourceData(name=PACKAGE, version=importlib.metadata.version(PACKAGE))
    with sqlite3.connect(f"file:{data_dir / 'dataset.db'}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        current = [dict(r) for r in db.execute("SELECT * FROM admin_units ORDER BY wardCode")]
        legacy = [
            dict(r)
            for r in db.execute("SELECT * FROM admin_units_legacy ORDER BY districtCode, wardCode")
        ]
    converter = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))

    # Current units: 34 provinces and 3,321 communes, no districts.
    current_province_by_key: dict[str, UnitKey] = {}
    current_commune_by_key: dict[tuple[str, str], UnitKey] = {}
    province_area: dict[str, Decimal] = {}
    for row in current:
        code = row["provinceCode"]
        province_area[code] = province_area.get(code, Decimal(0)) + (
            _area(row["wardAreaKm2"]) or Decimal(0)
        )
    seen: set[str] = set()
    for row in current:
        code = row["provinceCode"]
        if code not in seen:
            seen.add(code)
            unit = _province(
                row, valid_from=MERGER_2025, valid_to=None, area_km2=province_area[code]
            )
            data.units.append(unit)
            current_province_by_key[row["provinceKey"]] = unit.key
        unit = _commune(
            row,
            parent=current_province_by_key[row["provinceKey"]],
            valid_from=MERGER_2025,
            valid_to=None,
            area_km2=_area(row["wardAreaKm2"]),
        )
        data.units.append(unit)
        current_commune_by_key[(row["provinceKey"], row["wardKey"])] = unit.key

    # Legacy units: 63 provinces, their districts and communes, in force until 30/06/2025.
    legacy_province_by_key: dict[str, UnitKey] = {}
    legacy_by_full_key: dict[str, UnitKey] = {}
    seen_districts: set[str] = set()
    seen = set()
    for row in legacy:
        code = row["provinceCode"]
        if code not in seen:
            seen.add(code)
            unit = _province(
                row, valid_from=None, valid_to=LEGACY_VALID_TO, region=LEGACY_PROVINCE_REGIONS[code]
            )
            data.units.append(unit)
            legacy_province_by_key[row["provinceKey"]] = unit.key
        district_key: UnitKey = (Level.DISTRICT, row["districtCode"], LEGACY_VALID_TO)
        if row["districtCode"] not in seen_districts:
            seen_districts.add(row["districtCode"])
            data.units.append(
                SourceUnit(
                    level=Level.DISTRICT,
                    kind=_DISTRICT_KINDS[row["districtType"]],
                    code=row["districtCode"],
                    name=row["district"],
                    short_name=row["districtShort"],
                    parent=legacy_province_by_key[row["provinceKey"]],
                    valid_from=None,
                    valid_to=LEGACY_VALID_TO,
                    lon=row["districtLon"],
                    lat=row["districtLat"],
                )
            )
        full_key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        if row["wardCode"] is None:
            # Island districts with no communes (Bạch Long Vĩ, Cồn Cỏ, Côn Đảo, Lý Sơn,
            # Hoàng Sa): the district itself became a special zone (đặc khu).
            legacy_by_full_key[full_key] = district_key
            continue
        unit = _commune(row, parent=district_key, valid_from=None, valid_to=LEGACY_VALID_TO)
        data.units.append(unit)
        legacy_by_full_key[full_key] = unit.key

    # Lineage, old -> new.
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            data.lineage.append(
                SourceLineage(
                    predecessor=legacy_province_by_key[old_key],
                    successor=current_province_by_key[new_key],
                    kind="whole",
                    is_default=True,
                    share=Decimal(1),
                )
            )
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                data.lineage.append(
                    SourceLineage(
                        predecessor=legacy_by_full_key[old_key],
                        successor=current_commune_by_key[(province_key, ward_key)],
                        kind="whole",
                        is_default=True,
                        share=Decimal(1),
                    )
                )
    for province_key, old_wards in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in old_wards.items():
            for part in parts:
                data.lineage.append(
                    SourceLineage(
                        predecessor=legacy_by_full_key[old_key],
                        successor=current_commune_by_key[(province_key, part["newWardKey"])],
                        kind="part",
                        is_default=bool(part["isDefaultNewWard"]),
                        # The source does not say how much of the old commune each new
                        # one received; left unknown rather than guessed.
                        share=None,
                    )
                )
    return data
