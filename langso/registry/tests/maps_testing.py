"""Rows for the map tests: every registry placed in communes A and B of the shared
`tree` fixture (see conftest.py), written directly (no service, no audit; households'
map cells recounted as the services would).

Commune A is the square 105.90–106.00 E × 20.20–20.30 N; commune B lies around
106.05 E, 20.25 N with no boundary. Households carry a head's name and phone that must
never reach a tile or a GeoJSON answer.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from typing import Any

from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from langso.places.models import AdminUnit
from langso.registry.models import (
    AquacultureFarm,
    Broadband,
    Cooperative,
    FishingVessel,
    Household,
    HouseholdStatus,
    Product,
    PublicWifiPoint,
    SecurityCamera,
    TourismSite,
)
from langso.registry.services.map_cells import household_map_cells_refresh

# The zoom-15 tile that holds A1's households (and nothing else of `place_rows`).
A1_POINT = (105.921, 20.23)
HEAD_NAME = "Nguyễn Thị Bí Mật"
HEAD_PHONE = "0912000111"

_numbers = count(1)


def _placed(unit: AdminUnit) -> dict[str, Any]:
    village = unit if unit.level == "village" else None
    return {"province_id": unit.province_id, "commune_id": unit.commune_id, "village": village}


def add_household(village: AdminUnit, lon: float, lat: float, **fields: Any) -> Household:
    number = next(_numbers)
    values: dict[str, Any] = {
        "address_code": f"MAP-{number:06d}",
        "head_name": HEAD_NAME,
        "head_phone": HEAD_PHONE,
        "members": 4,
        "adults": 3,
        "adults_smartphone": 3,
        "adults_epayment": 2,
        "broadband": Broadband.FIBRE,
        "location": Point(lon, lat, srid=4326),
    }
    values.update(fields)
    household: Household = Household.objects.create(**_placed(village), **values)
    # Written past the services, so the map's cells are recounted here as they would be.
    household_map_cells_refresh(units=[(household.commune_id, household.village_id)])
    return household


@dataclass
class MapRows:
    """What `place_rows` wrote, by commune."""

    households_a: list[Household] = field(default_factory=list)
    households_b: list[Household] = field(default_factory=list)
    others_a: list[Any] = field(default_factory=list)
    others_b: list[Any] = field(default_factory=list)


def place_rows(*, a1: AdminUnit, a2: AdminUnit, b1: AdminUnit, households: int = 3) -> MapRows:
    """`households` households in each of A1, A2 and B1 (within ~200 m of a village
    point; A1's inside the zoom-15 tile `A1_TILE`), and one of every other registry in
    each commune."""
    rows = MapRows()
    for i in range(households):
        step = i * 0.0004
        rows.households_a.append(add_household(a1, A1_POINT[0] + step, A1_POINT[1] + step))
        rows.households_a.append(add_household(a2, 105.97 + step, 20.27 + step))
        rows.households_b.append(add_household(b1, 106.05 + step, 20.25 + step))
    rows.others_a = _others(a1, 105.95, 20.25)
    rows.others_b = _others(b1, 106.06, 20.26)
    return rows


def _others(village: AdminUnit, lon: float, lat: float) -> list[Any]:
    n = next(_numbers)
    commune = village.commune
    assert commune is not None

    def at(dx: float) -> Point:
        return Point(lon + dx, lat, srid=4326)

    cooperative = Cooperative.objects.create(
        **_placed(commune), code=f"HTX-{n:04d}", name="HTX Nông nghiệp", location=at(0.001)
    )
    maker = add_household(village, lon, lat - 0.001)
    return [
        cooperative,
        Product.objects.create(
            **_placed(village),
            code=f"SP-{n:04d}",
            name="Mắm tôm",
            category="food",
            household=maker,
            ocop_stars=4,
            ocop_year=2024,
            location=at(0.002),
        ),
        FishingVessel.objects.create(
            **_placed(village),
            registration_number=f"NB-{90000 + n}-TS",
            owner=maker,
            licence_expires_on=dt.date(2020, 1, 1),
            location=at(0.003),
        ),
        AquacultureFarm.objects.create(
            **_placed(village),
            code=f"AO-{n:04d}",
            name="Ao nhà bà Bí Mật",
            household=maker,
            area_ha=Decimal("1.250"),
            farming_type="pond",
            location=at(0.004),
        ),
        TourismSite.objects.create(
            **_placed(village),
            code=f"DL-{n:04d}",
            name="Homestay",
            kind="homestay",
            location=at(0.005),
        ),
        PublicWifiPoint.objects.create(
            **_placed(village), code=f"WF-{n:04d}", place="Nhà văn hóa", location=at(0.006)
        ),
        SecurityCamera.objects.create(
            **_placed(village), code=f"CM-{n:04d}", place="Ngã ba", location=at(0.007)
        ),
    ]


def moved_away(household: Household) -> Household:
    household.status = HouseholdStatus.MOVED_AWAY
    return saved(household, "status")


def saved(household: Household, *fields: str) -> Household:
    """Save these fields and recount the household's map cells, as the services would."""
    household.save(update_fields=list(fields))
    household_map_cells_refresh(units=[(household.commune_id, household.village_id)])
    return household


# Villages' centres (issue 15, villages' cells): A1 and A2 inside commune A's square,
# B1 and B2 inside B's approximate cell (east of 106.00 E, within ~2.7 km of 20.25 N).
VILLAGE_CENTRES = {
    "a1": (105.92, 20.23),
    "a2": (105.97, 20.27),
    "b1": (106.04, 20.24),
    "b2": (106.06, 20.26),
}

# Around A1's centre: a village boundary as an import would load it.
A1_BOUNDARY = MultiPolygon(
    Polygon(((105.91, 20.22), (105.93, 20.22), (105.93, 20.24), (105.91, 20.24), (105.91, 20.22))),
    srid=4326,
)


def place_villages(villages: dict[str, AdminUnit]) -> None:
    """Give each village of `villages` (named as in `VILLAGE_CENTRES`) its centre."""
    for name, village in villages.items():
        village.centroid = Point(*VILLAGE_CENTRES[name], srid=4326)
        village.save(update_fields=["centroid", "updated_at"])


def map_config(content: bytes) -> dict[str, Any]:
    """The map page's configuration for its script (its `map-config` JSON)."""
    html = content.decode()
    start = html.index('<script id="map-config" type="application/json">') + len(
        '<script id="map-config" type="application/json">'
    )
    config: dict[str, Any] = json.loads(html[start : html.index("</script>", start)])
    return config
