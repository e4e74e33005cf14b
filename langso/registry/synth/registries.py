"""A commune's other synthetic registries: cooperatives and their products, household
products, fishing vessels (coastal communes only), aquaculture farms, tourism sites,
wifi points and cameras; codes start with `CODE_PREFIX`. Few rows per commune:
written with `bulk_create`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import shapely
from django.contrib.gis.geos import Point

from langso.core.text import normalize_name

from ..models import (
    AquacultureFarm,
    Cooperative,
    FishingVessel,
    Household,
    Product,
    ProductCategory,
    PublicWifiPoint,
    SecurityCamera,
    TourismSite,
)
from .base import CODE_PREFIX, URBAN_KINDS, CommunePlan, PlacedVillage, SynthCounts, rng_for

_SECTORS = [
    ("Nông nghiệp", ProductCategory.FOOD),
    ("Dịch vụ nông nghiệp", ProductCategory.FOOD),
    ("Chăn nuôi", ProductCategory.FOOD),
    ("Trồng trọt", ProductCategory.FOOD),
    ("Chè và đồ uống", ProductCategory.BEVERAGE),
    ("Dược liệu", ProductCategory.HERBAL),
    ("Dệt thổ cẩm", ProductCategory.TEXTILE),
    ("Thủ công mỹ nghệ", ProductCategory.CRAFT),
    ("Du lịch cộng đồng", ProductCategory.TOURISM),
]
_PRODUCTS: dict[str, list[tuple[str, str, int, int]]] = {
    # name, unit, price range (đồng)
    ProductCategory.FOOD: [
        ("Gạo tám thơm", "kg", 20_000, 45_000),
        ("Gạo nếp cái hoa vàng", "kg", 30_000, 60_000),
        ("Nem chua", "hộp", 40_000, 90_000),
        ("Mật ong hoa nhãn", "chai", 150_000, 350_000),
        ("Miến dong", "kg", 60_000, 120_000),
        ("Bánh gai", "hộp", 50_000, 100_000),
        ("Giò chả", "kg", 160_000, 260_000),
        ("Tương bần", "chai", 25_000, 60_000),
    ],
    ProductCategory.BEVERAGE: [
        ("Trà shan tuyết", "hộp", 150_000, 600_000),
        ("Rượu nếp cẩm", "chai", 80_000, 250_000),
        ("Trà sen", "hộp", 200_000, 500_000),
    ],
    ProductCategory.HERBAL: [
        ("Cao cà gai leo", "hộp", 150_000, 400_000),
        ("Trà túi lọc giảo cổ lam", "hộp", 60_000, 150_000),
        ("Tinh bột nghệ", "hộp", 120_000, 300_000),
    ],
    ProductCategory.TEXTILE: [
        ("Khăn thổ cẩm", "chiếc", 80_000, 300_000),
        ("Lụa tơ tằm", "mét", 150_000, 400_000),
    ],
    ProductCategory.CRAFT: [
        ("Chiếu cói", "chiếc", 150_000, 500_000),
        ("Mây tre đan", "chiếc", 60_000, 400_000),
        ("Nón lá", "chiếc", 50_000, 150_000),
        ("Gốm mỹ nghệ", "chiếc", 100_000, 900_000),
    ],
    ProductCategory.TOURISM: [
        ("Trải nghiệm làm nông", "lượt", 150_000, 400_000),
        ("Tour làng nghề", "lượt", 200_000, 600_000),
    ],
}
_SEA_FOODS = [("Nước mắm", "chai", 60_000, 200_000), ("Mực khô", "kg", 600_000, 1_200_000)]
_SEA_SPECIES = ["Tôm thẻ chân trắng", "Tôm sú", "Ngao", "Hàu", "Cua biển", "Cá song"]
_FRESH_SPECIES = ["Cá rô phi", "Cá trắm cỏ", "Cá chép", "Cá tra", "Ếch", "Lươn"]
_VESSEL_NAMES = ["Phúc Lộc", "Tân An", "Thắng Lợi", "Hải Phát", "Bình Minh", "Đức Thịnh"]
_SITE_KINDS = list(TourismSite.Kind.values)


def _point(rng: np.random.Generator, village: PlacedVillage, spread: float = 0.004) -> Point:
    return Point(
        village.lon + float(rng.normal(0, spread)),
        village.lat + float(rng.normal(0, spread)),
        srid=4326,
    )


def _inside(plan: CommunePlan, point: Point, village: PlacedVillage) -> Point:
    """The point if it lies in the commune's area, otherwise the village's centre."""
    if shapely.contains_xy(plan.area, point.x, point.y):
        return point
    return Point(village.lon, village.lat, srid=4326)


def _search(name: str) -> str:
    return normalize_name(name, fold_diacritics=True)


def _placed(plan: CommunePlan, village: PlacedVillage) -> dict[str, Any]:
    return {
        "province_id": plan.commune.province_id,
        "commune_id": plan.commune.pk,
        "village_id": village.id,
    }


def _owners(codes: list[str], rng: np.random.Generator, n: int) -> list[tuple[int, int | None]]:
    """(id, village id) of `n` of the commune's new households (fewer if it has fewer),
    picked at random, to own vessels, farms and products."""
    if not codes or n <= 0:
        return []
    picks = sorted({codes[i] for i in rng.choice(len(codes), size=min(n, len(codes)))})
    found = {
        code: (pk, village_id)
        for code, pk, village_id in Household.objects.filter(address_code__in=picks).values_list(
            "address_code", "id", "village_id"
        )
    }
    return [found[code] for code in picks]


def other_registries(
    plan: CommunePlan, *, seed: int, codes: list[str], today: dt.date
) -> SynthCounts:
    """Cooperatives and their products, household products, vessels (coastal communes
    only), farms, tourism sites, wifi points at some villages' cultural houses, cameras.
    Vessels and farms grow with the commune's households, up to a real coastal commune's
    numbers; the rest does not. Licences expire around `today`, so that some always
    need renewing in a demo."""
    rng = rng_for(seed, plan.site.code, 3)
    commune, villages = plan.commune, plan.villages
    stem = f"{CODE_PREFIX}{commune.code}-"
    scale = min(1.0, max(0.1, plan.households / 5_000))
    urban = plan.site.kind in URBAN_KINDS
    counts = SynthCounts()

    by_id = {v.id: v for v in villages}

    def village() -> PlacedVillage:
        return villages[int(rng.integers(len(villages)))]

    cooperatives = []
    for n in range(1, int(rng.integers(0, 2) if urban else rng.integers(1, 5)) + 1):
        sector, _category = _SECTORS[int(rng.integers(len(_SECTORS)))]
        home = village()
        name = f"HTX {sector} {home.short_name}"
        cooperatives.append(
            Cooperative(
                **_placed(plan, home),
                location=_inside(plan, _point(rng, home), home),
                code=f"{stem}HTX{n:04d}",
                name=name,
                search_name=_search(name),
                sector=sector,
                address=f"{home.name}, {commune.name}",
                members=int(rng.integers(7, 120)),
                founded_on=dt.date(int(rng.integers(1997, 2025)), int(rng.integers(1, 13)), 1),
            )
        )
    Cooperative.objects.bulk_create(cooperatives)
    counts.cooperatives = len(cooperatives)
    cooperatives = list(Cooperative.objects.filter(code__startswith=f"{stem}HTX").order_by("code"))

    products: list[Product] = []
    owners = _owners(codes, rng, int(rng.integers(0, 4)))
    makers: list[tuple[Cooperative | None, int | None, PlacedVillage]] = [
        (c, None, by_id.get(c.village_id or 0) or village()) for c in cooperatives
    ]
    makers += [(None, pk, by_id.get(village_id or 0) or village()) for pk, village_id in owners]
    for cooperative, household_id, home in makers:
        category = dict(_SECTORS)[cooperative.sector] if cooperative else ProductCategory.FOOD.value
        choices = _PRODUCTS[category] + (_SEA_FOODS if plan.coastal else [])
        for _k in range(int(rng.integers(1, 5)) if cooperative else 1):
            base, unit, low, high = choices[int(rng.integers(len(choices)))]
            stars = int(rng.choice([3, 4, 5], p=[0.7, 0.25, 0.05]))
            ocop = rng.random() < 0.35
            name = f"{base} {commune.short_name}"
            products.append(
                Product(
                    **_placed(plan, home),
                    location=cooperative.location
                    if cooperative
                    else _inside(plan, _point(rng, home), home),
                    code=f"{stem}SP{len(products) + 1:04d}",
                    name=name,
                    search_name=_search(name),
                    category=category,
                    cooperative=cooperative,
                    household_id=household_id,
                    ocop_stars=stars if ocop else None,
                    ocop_year=int(rng.integers(2019, 2026)) if ocop else None,
                    price=Decimal(int(rng.integers(low // 1000, high // 1000 + 1)) * 1000),
                    price_unit=unit,
                )
            )
    Product.objects.bulk_create(products)
    counts.products = len(products)

    if plan.coastal:
        vessels = []
        count = round(int(rng.integers(10, 81)) * scale)
        vessel_owners = [pk for pk, _village in _owners(codes, rng, count)]
        for n in range(1, count + 1):
            home = village()
            length = float(np.clip(rng.gamma(4.0, 3.5), 6.0, 30.0))
            vessels.append(
                FishingVessel(
                    **_placed(plan, home),
                    location=_inside(plan, _point(rng, home, 0.002), home),
                    registration_number=f"{stem}{n:04d}-TS",
                    name=f"{_VESSEL_NAMES[int(rng.integers(len(_VESSEL_NAMES)))]} {n:02d}",
                    length_m=Decimal(f"{length:.2f}"),
                    engine_kw=Decimal(f"{length**2 * float(rng.uniform(0.8, 1.6)):.1f}"),
                    home_port=f"Cảng cá {commune.short_name}",
                    owner_id=vessel_owners[(n - 1) % len(vessel_owners)] if vessel_owners else None,
                    licence_expires_on=today + dt.timedelta(days=int(rng.integers(-180, 3 * 365))),
                )
            )
        FishingVessel.objects.bulk_create(vessels)
        counts.vessels = len(vessels)

    farms = []
    count = round(int(rng.integers(5, 41) if plan.coastal else rng.integers(0, 9)) * scale)
    farm_owners = _owners(codes, rng, count)
    for n in range(1, count + 1):
        owner_id, owner_village = farm_owners[(n - 1) % len(farm_owners)] if farm_owners else (0, 0)
        home = by_id.get(owner_village or 0) or village()
        sea = plan.coastal and rng.random() < 0.7
        species = (_SEA_SPECIES if sea else _FRESH_SPECIES)[int(rng.integers(6))]
        kind = AquacultureFarm.FarmingType
        farms.append(
            AquacultureFarm(
                **_placed(plan, home),
                location=_inside(plan, _point(rng, home), home),
                code=f"{stem}NT{n:04d}",
                name=f"Cơ sở nuôi {species.lower()} {home.short_name}",
                household_id=owner_id or None,
                area_ha=Decimal(f"{float(rng.gamma(1.5, 1.2)):.3f}"),
                species=species,
                farming_type=(kind.POND, kind.CAGE, kind.TANK, kind.RICE_FIELD)[
                    int(rng.choice(4, p=[0.6, 0.15, 0.1, 0.15]))
                ],
            )
        )
    AquacultureFarm.objects.bulk_create(farms)
    counts.farms = len(farms)

    sites = []
    for n in range(1, int(rng.integers(0, 3)) + 1):
        home = village()
        kind_value = _SITE_KINDS[int(rng.integers(len(_SITE_KINDS)))]
        label = str(TourismSite.Kind(kind_value).label).split(",")[0]
        name = f"{label} {home.short_name}"
        sites.append(
            TourismSite(
                **_placed(plan, home),
                location=_inside(plan, _point(rng, home), home),
                code=f"{stem}DL{n:04d}",
                name=name,
                search_name=_search(name),
                kind=kind_value,
                description=f"{label} tại {home.name}, {commune.name}.",
                opening_hours="7:00–17:00" if rng.random() < 0.7 else "",
            )
        )
    TourismSite.objects.bulk_create(sites)
    counts.sites = len(sites)

    wifi: list[PublicWifiPoint] = []
    cameras: list[SecurityCamera] = []
    for home in villages:
        if rng.random() < 0.4:
            wifi.append(
                PublicWifiPoint(
                    **_placed(plan, home),
                    location=Point(home.lon, home.lat, srid=4326),
                    code=f"{stem}WF{len(wifi) + 1:04d}",
                    place=f"Nhà văn hóa {home.name}",
                    provider=("VNPT", "Viettel", "FPT")[int(rng.integers(3))],
                    is_working=bool(rng.random() < 0.9),
                )
            )
        if rng.random() < 0.5:
            for _k in range(int(rng.integers(1, 4))):
                place = ("Cổng", "Ngã ba", "Nhà văn hóa", "Chợ")[int(rng.integers(4))]
                cameras.append(
                    SecurityCamera(
                        **_placed(plan, home),
                        location=_inside(plan, _point(rng, home, 0.002), home),
                        code=f"{stem}CAM{len(cameras) + 1:04d}",
                        place=f"{place} {home.name}",
                        purpose=(
                            SecurityCamera.Purpose.TRAFFIC
                            if rng.random() < 0.25
                            else SecurityCamera.Purpose.SECURITY
                        ),
                        connected_to_centre=bool(rng.random() < 0.6),
                        is_working=bool(rng.random() < 0.92),
                    )
                )
    PublicWifiPoint.objects.bulk_create(wifi)
    SecurityCamera.objects.bulk_create(cameras)
    counts.wifi_points, counts.cameras = len(wifi), len(cameras)
    return counts


# ---------------------------------------------------------------------------------------
# Provinces: plans, villages, the whole run, removal.
