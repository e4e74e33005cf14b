"""Helpers for tests of the placed registries (cooperatives, products, vessels, farms,
tourism sites, wifi points, cameras): good values for each, and rows written directly."""

from __future__ import annotations

import io
from itertools import count
from typing import Any, TypeVar

from django.contrib.gis.geos import Point
from PIL import Image

from langso.places.models import AdminUnit, Level
from langso.registry.models import Placed
from langso.registry.specs import SPECS, RegistrySpec

from .conftest import make_household

P = TypeVar("P", bound=Placed)
ALL_SPECS = list(SPECS.values())
SPEC_IDS = [spec.name for spec in ALL_SPECS]

_numbers = count(1)


def vessel_number() -> str:
    return f"NA-{90000 + next(_numbers)}-TS"


def good_values(spec: RegistrySpec[Any], *, unit: AdminUnit) -> dict[str, Any]:
    """Values that `registry_create` accepts for a row in `unit` (a village, or a commune
    for registries whose maker can sit anywhere)."""
    if spec.name == "cooperative":
        return {"name": "HTX Nông nghiệp Đông Hà"}
    if spec.name == "product":
        village = unit if unit.level == Level.VILLAGE else _first_village(unit)
        household = make_household(village=village)
        return {
            "name": "Mắm tôm Hậu Lộc",
            "category": "food",
            "household": household.address_code,
        }
    if spec.name == "vessel":
        return {"registration_number": vessel_number(), "name": "Tàu Bình Minh"}
    if spec.name == "farm":
        return {"name": "Ao nuôi tôm"}
    if spec.name == "tourism-site":
        return {"name": "Homestay Bản Lác", "kind": "homestay"}
    if spec.name == "wifi-point":
        return {"place": "Nhà văn hóa thôn Đông"}
    if spec.name == "camera":
        return {"place": "Ngã ba chợ"}
    raise AssertionError(spec.name)


def _first_village(commune: AdminUnit) -> AdminUnit:
    village: AdminUnit = AdminUnit.objects.filter(commune=commune, level=Level.VILLAGE).first()  # type: ignore[assignment]  # the test tree gives every commune villages
    return village


def make_row(
    spec: RegistrySpec[P],
    *,
    unit: AdminUnit,
    location: Point | None = None,
    **fields: Any,
) -> P:
    """A row written directly (no service, no audit): for reads, pages and the API."""
    number = next(_numbers)
    village = unit if unit.level == Level.VILLAGE else None
    values: dict[str, Any] = {
        "province_id": unit.province_id,
        "commune_id": unit.commune_id,
        "village": village,
        "location": location,
    }
    if spec.code_prefix is None:
        values[spec.key] = vessel_number()
    else:
        values[spec.key] = f"T{number:06d}-{spec.code_prefix}"
    defaults: dict[str, dict[str, Any]] = {
        "cooperative": {"name": f"HTX số {number}", "search_name": f"htx so {number}"},
        "product": {"name": f"Sản phẩm {number}", "search_name": f"san pham {number}"},
        "vessel": {},
        "farm": {"name": f"Ao {number}"},
        "tourism-site": {"name": f"Điểm {number}", "search_name": f"diem {number}", "kind": "eco"},
        "wifi-point": {"place": f"Nhà văn hóa {number}"},
        "camera": {"place": f"Cổng chợ {number}"},
    }
    values |= defaults[spec.name]
    if spec.name == "product" and "cooperative" not in fields and "household" not in fields:
        fields["household"] = make_household(village=village or _first_village(unit))
    values |= fields
    return spec.model._default_manager.create(**values)


def image_bytes(fmt: str = "JPEG", *, size: tuple[int, int] = (64, 48), exif: Any = None) -> bytes:
    """A small image in `fmt`, with EXIF when given."""
    image = Image.new("RGB", size, (30, 120, 60))
    out = io.BytesIO()
    params: dict[str, Any] = {}
    if exif is not None:
        params["exif"] = exif
    image.save(out, fmt, **params)
    return out.getvalue()


def gps_exif() -> Image.Exif:
    """EXIF with a GPS position (a home in Ninh Bình), as a phone writes it."""
    exif = Image.Exif()
    gps = {1: "N", 2: (20.0, 15.0, 0.0), 3: "E", 4: (105.0, 57.0, 0.0)}
    exif[0x8825] = gps
    exif[0x010F] = "PhoneMaker"
    return exif
