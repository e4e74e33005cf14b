"""Synthetic provinces on the real unit table (`manage.py synth`): villages, households
with readiness figures, cooperatives and products, fishing vessels, aquaculture farms,
tourism sites, wifi points and cameras, the same rows for the same seed.

What is synthetic, and how it is found again (`synth_remove`):
- villages carry the unit source ("synth", <seed>) and codes "<commune code>-S<nn>";
- their households have `<group>_source = synthetic` for every field group;
- the other registries' codes start with "SYN-".

Commune polygons are synthetic too, except where a commune's real boundary is loaded:
Voronoi cells around the real commune centroids, without the loaded communes'
territory, clipped to the province's boundary where one is loaded, otherwise to the
convex hull of the centroids buffered by half a typical commune's width. They are never
written as a commune's `boundary` (that column holds only real, imported boundaries):
`province_cells` computes them again from the same units, to the same cells.

Coastal communes (fishing vessels, sea farms) are a heuristic, as no coastline is
loaded: a special zone (đặc khu, all islands), or, in one of the 21 coastal provinces,
a mainland commune whose cell touches the outer edge of the mainland's communes, on the
side where the sea lies (within 60° of a bearing of `SEA_BEARINGS`, seen from the
middle of the mainland).

Address codes come from each commune's sequence (`address_codes.allocate`, one call per
commune): the same seed gives the same codes from the same database state (a fresh
database, say). After `--replace` the sequences carry on, and codes differ: a code is
never given twice.

No domain events and no audit entries: a synthetic load is nobody's change to a
registry. Indicators catch up through their full rebuild (`manage.py
rebuild_household_aggregates`), not through 1.5 million per-row `HouseholdsChanged`
deltas.

Random numbers come from one numpy generator per (seed, commune code, stream), so that a
commune's rows do not depend on which other communes or provinces were generated with
it, and its villages do not change when only the number of households does. Memory
stays flat: households are generated and written `CHUNK` at a time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import shapely
from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.db.models import F, ProtectedError, QuerySet, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core.db import capabilities
from langso.core.errors import DomainError
from langso.core.text import normalize_name
from langso.places.models import AdminUnit, Kind, Level, UnitSource
from langso.places.services.villages import village_short_name

from .address_codes import allocate
from .models import (
    AquacultureFarm,
    Broadband,
    Cooperative,
    FishingVessel,
    Household,
    HouseholdStatus,
    MobileCoverage,
    Placed,
    Product,
    ProductCategory,
    PublicWifiPoint,
    SecurityCamera,
    Source,
    TourismSite,
    head_name_keys,
)
from .services.map_cells import household_map_cells_rebuild

SYNTH_SOURCE = "synth"
DEFAULT_SEED = 2026
CODE_PREFIX = "SYN-"

# Households per province for the named sizes; "nation" is 18 million in all, shared by
# the provinces generated in proportion to their weight.
PROVINCE_SIZES: dict[str, int] = {"small": 300, "demo": 5_000, "province": 1_500_000}
NATION_HOUSEHOLDS = 18_000_000
SIZES = (*PROVINCE_SIZES, "nation")

# Where the sea lies from the middle of each coastal province (degrees clockwise from
# north), after the 2025 merger: 21 of the 34 provinces have a coast.
SEA_BEARINGS: dict[str, tuple[float, ...]] = {
    "22": (135.0, 180.0),  # Quảng Ninh
    "31": (90.0, 135.0),  # Hải Phòng
    "33": (100.0,),  # Hưng Yên (with Thái Bình)
    "37": (135.0,),  # Ninh Bình (with Nam Định)
    "38": (100.0,),  # Thanh Hóa
    "40": (90.0,),  # Nghệ An
    "42": (60.0,),  # Hà Tĩnh
    "44": (60.0,),  # Quảng Trị (with Quảng Bình)
    "46": (45.0,),  # Huế
    "48": (70.0,),  # Đà Nẵng (with Quảng Nam)
    "51": (80.0,),  # Quảng Ngãi
    "52": (90.0,),  # Gia Lai (with Bình Định)
    "56": (100.0,),  # Khánh Hòa (with Ninh Thuận)
    "66": (90.0,),  # Đắk Lắk (with Phú Yên)
    "68": (150.0,),  # Lâm Đồng (with Bình Thuận)
    "79": (160.0,),  # Hồ Chí Minh (with Bà Rịa - Vũng Tàu)
    "82": (110.0,),  # Đồng Tháp (with Tiền Giang)
    "86": (120.0,),  # Vĩnh Long (with Bến Tre, Trà Vinh)
    "91": (250.0,),  # An Giang (with Kiên Giang)
    "92": (130.0,),  # Cần Thơ (with Sóc Trăng)
    "96": (110.0, 180.0, 250.0),  # Cà Mau (with Bạc Liêu): sea on three sides
}
_SEA_HALF_ANGLE = 60.0
# Northern mountain provinces: lower readiness and coverage, "bản" villages.
_MOUNTAIN_PROVINCES = frozenset({"04", "08", "11", "12", "14", "15", "20"})
_SOUTHERN_PROVINCES = frozenset({"75", "79", "80", "82", "86", "91", "92", "96"})
_KIND_WEIGHT: dict[str, float] = {
    Kind.PHUONG: 3.0,
    Kind.THI_TRAN: 2.0,
    Kind.XA: 1.0,
    Kind.DAC_KHU: 0.3,
}
_URBAN_KINDS = frozenset({Kind.PHUONG, Kind.THI_TRAN})

# Readiness levels provincial plans aim at; communes vary around them.
TARGETS = {"smartphone": 0.70, "epayment": 0.65, "vneid": 0.60, "public_service": 0.45}
# Members per household, 1 to 8: a mean of 3.66 (the 2019 census found 3.5 for the
# whole country; rural households are a little larger).
_MEMBER_SHARES = np.array([0.08, 0.17, 0.22, 0.26, 0.15, 0.07, 0.03, 0.02])
_KM_PER_DEGREE = 111.32
# Households are written in chunks of this many, whatever the size of the commune.
CHUNK = 20_000

Progress = Callable[[str], None]


def thousands(value: float) -> str:
    """A count as Vietnamese write it: 1.500.000."""
    return f"{round(value):,}".replace(",", ".")


# ---------------------------------------------------------------------------------------
# Pure functions: sizes, cells, coastal communes, villages, households.


@dataclass(frozen=True)
class CommuneSite:
    """What the generator needs of a commune."""

    code: str
    kind: str
    lon: float
    lat: float
    area_km2: float | None


def rng_for(seed: int, code: str, stream: int) -> np.random.Generator:
    """The generator of one commune's stream (1 villages, 2 households, 3 the rest)."""
    key = int(code) if code.isdigit() else zlib.crc32(code.encode())
    return np.random.default_rng(np.random.SeedSequence([seed, key, stream]))


def commune_weight(site: CommuneSite, *, mean_area: float) -> float:
    """A plausible share of households: more in wards, more in larger communes but far
    less than in proportion (mountain communes are large and thinly settled)."""
    area = site.area_km2 if site.area_km2 and site.area_km2 > 0 else mean_area
    return math.sqrt(area) * _KIND_WEIGHT.get(site.kind, 1.0)


def split_total(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders; sums to `total`)."""
    whole = sum(weights)
    if not weights:
        return []
    if whole <= 0:
        weights, whole = [1.0] * len(weights), float(len(weights))
    exact = [total * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _mean_area(sites: Sequence[CommuneSite]) -> float:
    areas = [s.area_km2 for s in sites if s.area_km2 and s.area_km2 > 0]
    return sum(areas) / len(areas) if areas else 30.0


def _km_to_degrees(km: float) -> float:
    return km / _KM_PER_DEGREE


def clip_area(sites: Sequence[CommuneSite], boundary: Any = None) -> Any:
    """Where the cells end: the province's boundary, or the convex hull of the communes'
    centroids buffered by half a typical commune's width."""
    if boundary is not None and not boundary.is_empty:
        return boundary
    points = shapely.multipoints([(s.lon, s.lat) for s in sites])
    margin = _km_to_degrees(max(1.0, 0.5 * math.sqrt(_mean_area(sites))))
    return shapely.convex_hull(points).buffer(margin)


def commune_cells(
    sites: Sequence[CommuneSite], boundary: Any = None, own: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The polygon of each commune, by code: its own boundary where one is loaded
    (`own`), otherwise its Voronoi cell around the centroids, clipped (see `clip_area`)
    and without the loaded communes' territory. Never empty: a cell that lies wholly
    outside a loaded boundary falls back to the buffered hull."""
    if not sites:
        return {}
    loaded = {code: p for code, g in (own or {}).items() if (p := _largest_part(g)) is not None}
    taken = shapely.union_all(list(loaded.values())) if loaded else None
    clip = clip_area(sites, boundary)
    hull = clip_area(sites)
    if len(sites) == 1:
        return {sites[0].code: loaded.get(sites[0].code, clip)}
    # Communes at the very same point would share one cell: nudge repeats by ~10 m.
    seen: dict[tuple[float, float], int] = {}
    coords = []
    for site in sites:
        key = (site.lon, site.lat)
        repeat = seen.get(key, 0)
        seen[key] = repeat + 1
        coords.append((site.lon + repeat * 1e-4, site.lat))
    extent = shapely.union(clip, hull).envelope.buffer(1.0)
    diagram = shapely.voronoi_polygons(shapely.multipoints(coords), extend_to=extent, ordered=True)
    cells: dict[str, Any] = {}
    for site, cell in zip(sites, shapely.get_parts(diagram), strict=True):
        if site.code in loaded:
            cells[site.code] = loaded[site.code]
            continue
        if taken is not None:
            cell = shapely.difference(cell, taken)
        clipped = _largest_part(shapely.intersection(cell, clip))
        if clipped is None:
            clipped = _largest_part(shapely.intersection(cell, hull))
        cells[site.code] = clipped if clipped is not None else cell
    return cells


def _largest_part(geometry: Any) -> Any:
    """The largest polygon of a clipped cell (a boundary with islands can leave several),
    or None if nothing of area is left."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon" and p.area > 0]
    return max(parts, key=lambda p: p.area) if parts else None


def _bearing(origin: tuple[float, float], target: tuple[float, float]) -> float:
    dx = (target[0] - origin[0]) * math.cos(math.radians(origin[1]))
    dy = target[1] - origin[1]
    return math.degrees(math.atan2(dx, dy)) % 360.0


def coastal_codes(
    province_code: str, sites: Sequence[CommuneSite], boundary: Any = None
) -> set[str]:
    """Codes of the communes taken as coastal (see the module's docstring). The edge is
    the mainland's: far islands (Côn Đảo, Phú Quốc, Hoàng Sa) would otherwise stretch
    the hull and hide the real coast inside it."""
    coastal = {s.code for s in sites if s.kind == Kind.DAC_KHU}
    bearings = SEA_BEARINGS.get(province_code)
    mainland = [s for s in sites if s.kind != Kind.DAC_KHU]
    if not bearings or len(mainland) < 2:
        return coastal
    cells = commune_cells(mainland, boundary)
    edge = shapely.boundary(clip_area(mainland, boundary))
    middle = shapely.convex_hull(shapely.multipoints([(s.lon, s.lat) for s in mainland])).centroid
    for site in mainland:
        if not shapely.dwithin(shapely.boundary(cells[site.code]), edge, 1e-7):
            continue
        toward = _bearing((middle.x, middle.y), (site.lon, site.lat))
        if any(abs((toward - b + 180.0) % 360.0 - 180.0) <= _SEA_HALF_ANGLE for b in bearings):
            coastal.add(site.code)
    return coastal


def placement_area(site: CommuneSite, cell: Any, *, mean_area: float) -> Any:
    """Where the commune's villages and households go: its cell, near its centroid (a
    disc of the commune's real area, so that a huge cell over the sea stays empty)."""
    area = site.area_km2 if site.area_km2 and site.area_km2 > 0 else mean_area
    radius_lat = _km_to_degrees(math.sqrt(area / math.pi))
    radius_lon = radius_lat / max(0.2, math.cos(math.radians(site.lat)))
    turn = np.linspace(0.0, 2 * math.pi, 64, endpoint=False)
    disc = shapely.Polygon(
        np.column_stack(
            [site.lon + radius_lon * np.cos(turn), site.lat + radius_lat * np.sin(turn)]
        )
    )
    near = _largest_part(shapely.intersection(cell, disc))
    area_polygon = near if near is not None else cell
    shapely.prepare(area_polygon)
    return area_polygon


def sample_points(rng: np.random.Generator, polygon: Any, n: int) -> np.ndarray:
    """`n` points uniformly inside `polygon`, as an (n, 2) array of lon, lat."""
    out = np.empty((0, 2))
    minx, miny, maxx, maxy = polygon.bounds
    for _attempt in range(100):
        if len(out) >= n:
            break
        want = max(16, 2 * (n - len(out)))
        xs = rng.uniform(minx, maxx, want)
        ys = rng.uniform(miny, maxy, want)
        inside = shapely.contains_xy(polygon, xs, ys)
        out = np.vstack([out, np.column_stack([xs[inside], ys[inside]])])
    if len(out) < n:
        point = polygon.representative_point()
        out = np.vstack([out, np.tile([point.x, point.y], (n - len(out), 1))])
    return out[:n]


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
    if commune_kind in _URBAN_KINDS:
        return Kind.TO_DAN_PHO
    if province_code in _SOUTHERN_PROVINCES:
        return Kind.AP
    if province_code in {"11", "12", "14"}:
        return Kind.BAN
    if province_code in _MOUNTAIN_PROVINCES:
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


@dataclass(frozen=True)
class ReadinessProfile:
    """A commune's levels: each household's counts are drawn around them."""

    smartphone: float
    epayment: float
    vneid: float
    public_service: float
    fibre: float
    other_broadband: float
    coverage: tuple[float, float, float, float]  # 5G, 4G, 3G, none
    surveyed: float


def readiness_profile(
    rng: np.random.Generator, *, province_code: str, commune_kind: str
) -> ReadinessProfile:
    """Around the plan targets: higher in wards, lower in the northern mountains, and
    each commune off by its own few points."""
    urban = commune_kind in _URBAN_KINDS
    mountain = province_code in _MOUNTAIN_PROVINCES
    shift = (0.08 if urban else 0.0) - (0.07 if mountain else 0.0)
    own = rng.normal(0.0, 0.06)

    def level(target: float) -> float:
        return float(np.clip(target + shift + own + rng.normal(0.0, 0.02), 0.15, 0.98))

    fibre = float(np.clip((0.88 if urban else 0.6 - (0.2 if mountain else 0.0)) + own, 0.1, 0.97))
    if urban:
        coverage = (0.35, 0.63, 0.02, 0.0)
    elif mountain:
        coverage = (0.02, 0.78, 0.12, 0.08)
    else:
        coverage = (0.08, 0.86, 0.05, 0.01)
    return ReadinessProfile(
        smartphone=level(TARGETS["smartphone"]),
        epayment=level(TARGETS["epayment"]),
        vneid=level(TARGETS["vneid"]),
        public_service=level(TARGETS["public_service"]),
        fibre=fibre,
        other_broadband=min(0.08, 1.0 - fibre),
        coverage=coverage,
        surveyed=float(np.clip(rng.normal(0.96, 0.02), 0.85, 1.0)),
    )


@dataclass(frozen=True)
class HouseholdCounts:
    """Per-household values of a chunk, as arrays; None where a count is unknown."""

    members: list[int]
    adults: list[int]
    smartphone: list[int | None]
    epayment: list[int | None]
    vneid: list[int | None]
    public_service: list[int | None]
    broadband: list[str]
    coverage: list[str]
    has_tv: list[bool]
    has_radio: list[bool]
    moved_away: list[bool]


_BROADBAND = [Broadband.FIBRE.value, Broadband.OTHER.value, Broadband.NONE.value]
_COVERAGE = [
    MobileCoverage.G5.value,
    MobileCoverage.G4.value,
    MobileCoverage.G3.value,
    MobileCoverage.NONE.value,
]


def _ratio(part: float, whole: float) -> float:
    return min(1.0, part / whole) if whole > 0 else 0.0


def household_counts(
    rng: np.random.Generator, n: int, profile: ReadinessProfile
) -> HouseholdCounts:
    """Counts that keep the model's rules: 1 ≤ adults ≤ members ≤ 8, every readiness
    count ≤ adults. An e-payment account needs a smartphone here, and a public-service
    account a VNeID, so those are drawn among the ones who have the first."""
    members = rng.choice(np.arange(1, 9), size=n, p=_MEMBER_SHARES)
    adults = members - rng.binomial(members - 1, 0.3)
    smartphone = rng.binomial(adults, profile.smartphone)
    epayment = rng.binomial(smartphone, _ratio(profile.epayment, profile.smartphone))
    vneid = rng.binomial(adults, profile.vneid)
    public_service = rng.binomial(vneid, _ratio(profile.public_service, profile.vneid))
    surveyed = rng.random(n) < profile.surveyed
    fibre, other = profile.fibre, profile.other_broadband
    broadband = rng.choice(3, size=n, p=[fibre, other, 1.0 - fibre - other])
    coverage = rng.choice(4, size=n, p=np.array(profile.coverage) / sum(profile.coverage))

    def known(values: np.ndarray) -> list[int | None]:
        return [v if s else None for v, s in zip(values.tolist(), surveyed.tolist(), strict=True)]

    return HouseholdCounts(
        members=members.tolist(),
        adults=adults.tolist(),
        smartphone=known(smartphone),
        epayment=known(epayment),
        vneid=known(vneid),
        public_service=known(public_service),
        broadband=[_BROADBAND[i] for i in broadband.tolist()],
        coverage=[_COVERAGE[i] for i in coverage.tolist()],
        has_tv=(rng.random(n) < 0.92).tolist(),
        has_radio=(rng.random(n) < 0.12).tolist(),
        moved_away=(rng.random(n) < 0.015).tolist(),
    )


# Shares of the most common family names (about 85 % of Vietnamese), then a long tail.
_SURNAMES = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 3), ("Huỳnh", 2),
    ("Phan", 4.5), ("Vũ", 2), ("Võ", 2), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 1), ("Trịnh", 1), ("Lương", 0.8),
    ("Mai", 0.8), ("Đào", 0.8), ("Tạ", 0.5), ("Lò", 0.4), ("Hà", 0.8),
]  # fmt: skip
_SURNAME_P = np.array([w for _, w in _SURNAMES]) / sum(w for _, w in _SURNAMES)
_MIDDLE_MEN = ["Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Công", "Xuân"]
_MIDDLE_WOMEN = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh"]
_GIVEN_MEN = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Mạnh",
    "Nam", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Thành", "Tiến", "Toàn", "Trung",
    "Tuấn", "Việt", "Vinh", "Hòa", "Lợi", "Tâm", "Kiên", "Hiếu",
]  # fmt: skip
_GIVEN_WOMEN = [
    "Anh", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Liên", "Linh",
    "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Thủy",
    "Trang", "Tuyết", "Vân", "Yến", "Hiền", "Huệ", "Lụa", "Xuân", "Hồng",
]  # fmt: skip
_STREETS = [
    "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Lý Thường Kiệt", "Quang Trung",
    "Hai Bà Trưng", "Phan Đình Phùng", "Lê Hồng Phong", "Nguyễn Huệ", "Hùng Vương",
    "Điện Biên Phủ", "Bà Triệu", "Trần Phú", "Võ Thị Sáu", "Nguyễn Du",
]  # fmt: skip


class _Names:
    """Heads' names and their keys (comparison, search); keys are computed once per name."""

    def __init__(self) -> None:
        self._keys: dict[str, tuple[str, str]] = {}

    def draw(self, rng: np.random.Generator, n: int) -> tuple[list[str], list[str], list[str]]:
        surnames = rng.choice(len(_SURNAMES), size=n, p=_SURNAME_P).tolist()
        women = (rng.random(n) < 0.28).tolist()
        middles = rng.integers(0, 8, size=n).tolist()
        givens = rng.integers(0, 30, size=n).tolist()
        names = []
        for s, w, m, g in zip(surnames, women, middles, givens, strict=True):
            middle, given = (
                (_MIDDLE_WOMEN[m], _GIVEN_WOMEN[g]) if w else (_MIDDLE_MEN[m], _GIVEN_MEN[g])
            )
            names.append(f"{_SURNAMES[s][0]} {middle} {given}")
        keys = [self._key(name) for name in names]
        return names, [k for k, _search in keys], [search for _k, search in keys]

    def _key(self, name: str) -> tuple[str, str]:
        key = self._keys.get(name)
        if key is None:
            keys = head_name_keys(name)
            key = self._keys[name] = (keys["head_name_key"], keys["head_name_search"])
        return key


# ---------------------------------------------------------------------------------------
# Writing: households in bulk (COPY on PostgreSQL), the other registries with bulk_create.

# The household columns the generator writes, in this order (merged_into stays NULL).
HOUSEHOLD_FIELDS = (
    "province_id", "commune_id", "village_id", "location", "created_at", "updated_at",
    "address_code", "address_code_kind", "house_number", "street",
    "head_name", "head_name_key", "head_name_search", "head_phone",
    "members", "adults", "adults_smartphone", "adults_epayment", "adults_vneid",
    "adults_public_service", "broadband", "mobile_coverage", "has_tv", "has_radio", "status",
    "identity_updated_at", "identity_source", "composition_updated_at", "composition_source",
    "readiness_updated_at", "readiness_source", "connectivity_updated_at",
    "connectivity_source", "location_updated_at", "location_source",
)  # fmt: skip
BATCH_SIZE = 2_000


@dataclass
class HouseholdChunk:
    """Households of one commune ready to write: columns by field, and the points."""

    columns: dict[str, list[Any]]
    lon: np.ndarray
    lat: np.ndarray

    def __len__(self) -> int:
        return len(self.lon)


def _columns() -> list[str]:
    column_of = {f.attname: str(f.column) for f in Household._meta.concrete_fields}
    return [connection.ops.quote_name(column_of[f]) for f in HOUSEHOLD_FIELDS]


class HouseholdWriter:
    """Writes household chunks with one prepared INSERT run over each batch (any
    database). Not bulk_create: on SQLite its 999-parameter limit allows 27 households
    per statement, and compiling the values cost more than inserting them (3,000
    households/s against several times that here)."""

    def __init__(self) -> None:
        location = Household._meta.get_field("location")
        placeholders = [
            location.get_placeholder(Point(0, 0, srid=4326), None, connection)  # type: ignore[attr-defined]  # GeometryField's
            if name == "location"
            else "%s"
            for name in HOUSEHOLD_FIELDS
        ]
        self.sql = (
            f"INSERT INTO {connection.ops.quote_name(Household._meta.db_table)} "  # noqa: S608  # names from the model, values bound
            f"({', '.join(_columns())}) VALUES ({', '.join(placeholders)})"
        )
        self.adapter = connection.ops.Adapter  # type: ignore[attr-defined]  # spatial backends'

    def write(self, chunk: HouseholdChunk) -> None:
        stamps: dict[Any, Any] = {None: None}
        columns: list[Iterable[Any]] = []
        for name in HOUSEHOLD_FIELDS:
            if name == "location":
                columns.append(
                    self.adapter(Point(x, y, srid=4326))
                    for x, y in zip(chunk.lon.tolist(), chunk.lat.tolist(), strict=True)
                )
            elif name.endswith("_at"):
                for value in set(chunk.columns[name]) - stamps.keys():
                    stamps[value] = connection.ops.adapt_datetimefield_value(value)
                columns.append(stamps[v] for v in chunk.columns[name])
            else:
                columns.append(chunk.columns[name])
        rows = zip(*columns, strict=True)
        with connection.cursor() as cursor:
            while batch := list(itertools.islice(rows, BATCH_SIZE)):
                cursor.executemany(self.sql, batch)


class CopyHouseholdWriter(HouseholdWriter):
    """Writes household chunks with COPY … FROM STDIN (PostgreSQL): the text format built
    here in bulk, points as hex EWKB. Several times faster than INSERTs."""

    _EWKB = np.dtype(
        [("order", "u1"), ("type", "<u4"), ("srid", "<u4"), ("x", "<f8"), ("y", "<f8")]
    )

    def __init__(self) -> None:
        table = connection.ops.quote_name(Household._meta.db_table)
        self.sql = f"COPY {table} ({', '.join(_columns())}) FROM STDIN"

    def _points(self, chunk: HouseholdChunk) -> list[str]:
        cells = np.empty(len(chunk), dtype=self._EWKB)
        cells["order"] = 1
        cells["type"] = 0x20000001  # a point, with an SRID
        cells["srid"] = 4326
        cells["x"] = chunk.lon
        cells["y"] = chunk.lat
        text = cells.tobytes().hex()
        width = 2 * self._EWKB.itemsize
        return [text[i : i + width] for i in range(0, len(text), width)]

    def write(self, chunk: HouseholdChunk) -> None:
        columns: list[Iterable[str]] = []
        for name in HOUSEHOLD_FIELDS:
            if name == "location":
                columns.append(self._points(chunk))
            else:
                columns.append(map(_copy_text, chunk.columns[name]))
        lines = map("\t".join, zip(*columns, strict=True))
        with connection.cursor() as cursor, cursor.copy(self.sql) as copy:
            while block := list(itertools.islice(lines, BATCH_SIZE)):
                copy.write("\n".join(block) + "\n")


def _copy_text(value: Any) -> str:
    """A value in COPY's text format. Generated text holds no tab, newline or backslash."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def household_writer() -> HouseholdWriter:
    return CopyHouseholdWriter() if capabilities().bulk_copy else HouseholdWriter()


@dataclass(frozen=True)
class PlacedVillage:
    id: int
    code: str
    name: str
    short_name: str
    lon: float
    lat: float


@dataclass
class CommunePlan:
    province_code: str
    commune: AdminUnit
    site: CommuneSite
    area: Any
    coastal: bool
    households: int
    villages: list[PlacedVillage] = field(default_factory=list)


def household_chunks(
    plan: CommunePlan, *, seed: int, codes: list[str], now: dt.datetime, names: _Names
) -> Iterator[HouseholdChunk]:
    """The commune's households, `CHUNK` at a time, village by village, each near its
    village's centre and inside the commune's area."""
    rng = rng_for(seed, plan.site.code, 2)
    profile = readiness_profile(rng, province_code=plan.province_code, commune_kind=plan.site.kind)
    villages = plan.villages
    shares = rng.gamma(4.0, 1.0, size=len(villages))
    village_of = np.sort(rng.choice(len(villages), size=plan.households, p=shares / shares.sum()))
    # A village's neighbourhood: its share of the commune's radius.
    area = plan.site.area_km2 or 30.0
    spread_lat = _km_to_degrees(math.sqrt(area / math.pi / len(villages))) / 2
    spread_lon = spread_lat / max(0.2, math.cos(math.radians(plan.site.lat)))
    urban = plan.site.kind in _URBAN_KINDS
    village_lon = np.array([v.lon for v in villages])
    village_lat = np.array([v.lat for v in villages])
    for start in range(0, plan.households, CHUNK):
        index = village_of[start : start + CHUNK]
        n = len(index)
        centre_lon, centre_lat = village_lon[index], village_lat[index]
        lon = centre_lon + rng.normal(0, spread_lon, n)
        lat = centre_lat + rng.normal(0, spread_lat, n)
        # Points that fell outside the commune's area are drawn again, a few times, then
        # put at their village's centre (which is inside).
        for attempt in range(6):
            outside = ~shapely.contains_xy(plan.area, lon, lat)
            if not outside.any():
                break
            missing = int(outside.sum())
            if attempt == 5:
                lon[outside], lat[outside] = centre_lon[outside], centre_lat[outside]
            else:
                lon[outside] = centre_lon[outside] + rng.normal(0, spread_lon, missing)
                lat[outside] = centre_lat[outside] + rng.normal(0, spread_lat, missing)
        counts = household_counts(rng, n, profile)
        heads, head_keys, head_searches = names.draw(rng, n)
        numbers = rng.integers(1, 400 if urban else 250, size=n).tolist()
        has_number = (rng.random(n) < (0.95 if urban else 0.6)).tolist()
        street_picks = rng.integers(0, len(_STREETS) if urban else 8, size=n).tolist()
        surveyed = [s is not None for s in counts.smartphone]
        synthetic = Source.SYNTHETIC.value
        columns: dict[str, list[Any]] = {
            "province_id": [plan.commune.province_id] * n,
            "commune_id": [plan.commune.pk] * n,
            "village_id": [villages[i].id for i in index.tolist()],
            "created_at": [now] * n,
            "updated_at": [now] * n,
            "address_code": codes[start : start + n],
            "address_code_kind": ["generated"] * n,
            "house_number": [str(k) if h else "" for k, h in zip(numbers, has_number, strict=True)],
            "street": [f"Đường {_STREETS[s]}" if urban else f"Xóm {s + 1}" for s in street_picks],
            "head_name": heads,
            "head_name_key": head_keys,
            "head_name_search": head_searches,
            # Left empty on purpose: a made-up number may be a real person's, and later
            # issues send SMS to households.
            "head_phone": [""] * n,
            "members": counts.members,
            "adults": counts.adults,
            "adults_smartphone": counts.smartphone,
            "adults_epayment": counts.epayment,
            "adults_vneid": counts.vneid,
            "adults_public_service": counts.public_service,
            "broadband": counts.broadband,
            "mobile_coverage": counts.coverage,
            "has_tv": counts.has_tv,
            "has_radio": counts.has_radio,
            "status": [
                HouseholdStatus.MOVED_AWAY.value if m else HouseholdStatus.ACTIVE.value
                for m in counts.moved_away
            ],
            "readiness_updated_at": [now if s else None for s in surveyed],
            "readiness_source": [synthetic if s else "" for s in surveyed],
        }
        for group in ("identity", "composition", "connectivity", "location"):
            columns[f"{group}_updated_at"] = [now] * n
            columns[f"{group}_source"] = [synthetic] * n
        yield HouseholdChunk(columns=columns, lon=lon, lat=lat)


@dataclass
class SynthCounts:
    """Rows written (or removed), by registry."""

    villages: int = 0
    households: int = 0
    cooperatives: int = 0
    products: int = 0
    vessels: int = 0
    farms: int = 0
    sites: int = 0
    wifi_points: int = 0
    cameras: int = 0

    def add(self, other: SynthCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def rows(self) -> int:
        return sum(getattr(self, name) for name in self.__dataclass_fields__)


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
    urban = plan.site.kind in _URBAN_KINDS
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


def _site(commune: AdminUnit) -> CommuneSite:
    assert commune.centroid is not None  # noqa: S101  # callers keep communes with one
    return CommuneSite(
        code=commune.code,
        kind=commune.kind,
        lon=commune.centroid.x,
        lat=commune.centroid.y,
        area_km2=float(commune.area_km2) if commune.area_km2 is not None else None,
    )


def _current_communes(province: AdminUnit) -> list[AdminUnit]:
    """The province's current communes that have a centroid, in code order."""
    return list(
        AdminUnit.objects.current()
        .filter(province=province, level=Level.COMMUNE, centroid__isnull=False)
        .select_related("province")
        .order_by("code")
    )


def _boundary(unit: AdminUnit) -> Any:
    return shapely.from_wkb(bytes(unit.boundary.wkb)) if unit.boundary is not None else None


def _own(communes: Sequence[AdminUnit]) -> dict[str, Any]:
    """The communes' real boundaries, where loaded, by code."""
    return {c.code: _boundary(c) for c in communes if c.boundary is not None}


def province_cells(province: AdminUnit) -> dict[int, Any]:
    """The polygon of each current commune of the province where synthetic data goes
    (shapely, lon/lat), by commune id: its real boundary if loaded, otherwise its
    synthetic cell. Computed, never stored: the same units give the same cells."""
    communes = _current_communes(province)
    cells = commune_cells([_site(c) for c in communes], _boundary(province), _own(communes))
    return {c.pk: cells[c.code] for c in communes}


def province_coastal_communes(province: AdminUnit) -> set[int]:
    """Ids of the province's communes taken as coastal (see the module's docstring)."""
    communes = _current_communes(province)
    sites = [_site(c) for c in communes]
    coastal = coastal_codes(province.code, sites, _boundary(province))
    return {c.pk for c in communes if c.code in coastal}


def province_weights(provinces: Sequence[AdminUnit]) -> dict[int, float]:
    """Each province's weight: the sum of its communes' (see `commune_weight`)."""
    weights: dict[int, float] = {}
    for province in provinces:
        sites = [_site(c) for c in _current_communes(province)]
        mean = _mean_area(sites)
        weights[province.pk] = sum(commune_weight(s, mean_area=mean) for s in sites)
    return weights


def has_synthetic_data(province: AdminUnit) -> bool:
    return _synthetic_villages(province).exists()


def _synthetic_villages(province: AdminUnit) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(
        province=province, level=Level.VILLAGE, source__name=SYNTH_SOURCE
    )


def _create_villages(plans: list[CommunePlan], *, seed: int, source: UnitSource) -> int:
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


@dataclass
class ProvinceReport:
    province: str
    counts: SynthCounts
    seconds: float


def synth_province(
    *,
    province: AdminUnit,
    households: int,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> ProvinceReport:
    """Generate one province's synthetic villages, households and other registries, in
    one transaction (nothing half-written). The province must hold no synthetic data yet
    (see `synth_remove`)."""
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    communes = _current_communes(province)
    if not communes:
        raise DomainError(
            _("%(province)s chưa có xã nào có tọa độ trung tâm: hãy nạp đơn vị hành chính.")
            % {"province": province.name}
        )
    sites = [_site(c) for c in communes]
    boundary = _boundary(province)
    cells = commune_cells(sites, boundary, _own(communes))
    coastal = coastal_codes(province.code, sites, boundary)
    mean = _mean_area(sites)
    shares = split_total(households, [commune_weight(s, mean_area=mean) for s in sites])
    plans = [
        CommunePlan(
            province_code=province.code,
            commune=commune,
            site=site,
            area=placement_area(site, cells[site.code], mean_area=mean),
            coastal=site.code in coastal,
            households=share,
        )
        for commune, site, share in zip(communes, sites, shares, strict=True)
    ]
    counts = SynthCounts()
    now = timezone.now()
    today = timezone.localdate()
    names = _Names()
    writer = household_writer()
    with transaction.atomic():
        source, _created = UnitSource.objects.get_or_create(name=SYNTH_SOURCE, version=str(seed))
        counts.villages = _create_villages(plans, seed=seed, source=source)
        say(
            _("%(province)s: %(villages)s thôn ở %(communes)s xã (%(coastal)s xã ven biển)")
            % {
                "province": province.name,
                "villages": thousands(counts.villages),
                "communes": len(plans),
                "coastal": len(coastal),
            }
        )
        reported = 0
        for plan in plans:
            codes = allocate(commune=plan.commune, count=plan.households) if plan.households else []
            for chunk in household_chunks(plan, seed=seed, codes=codes, now=now, names=names):
                writer.write(chunk)
                counts.households += len(chunk)
            counts.add(other_registries(plan, seed=seed, codes=codes, today=today))
            if counts.households - reported >= 100_000:
                reported = counts.households
                elapsed = time.perf_counter() - started
                say(
                    _("  %(done)s / %(total)s hộ (%(rate)s hộ/giây)")
                    % {
                        "done": thousands(counts.households),
                        "total": thousands(households),
                        "rate": thousands(counts.households / elapsed),
                    }
                )
    return ProvinceReport(
        province=province.code, counts=counts, seconds=time.perf_counter() - started
    )


def _delete(queryset: QuerySet[Any]) -> int:
    """Rows of the queryset's own model deleted (not counting cascades). Deleting loads
    the rows to follow relations: their ids are enough, not their points and dates."""
    _total, by_model = queryset.only("pk").delete()
    return by_model.get(queryset.model._meta.label, 0)


def synth_remove(*, province: AdminUnit) -> SynthCounts:
    """Remove the province's synthetic rows: the registries' first (products before
    their makers, vessels and farms before their owners), then the synthetic villages.
    Real rows stay. If a real row still refers to a synthetic one (a real household in
    a synthetic village, a role held on one), nothing is removed and the error says so."""
    counts = SynthCounts()
    villages = _synthetic_villages(province)

    def coded(model: type[Placed], field: str = "code") -> QuerySet[Any]:
        return model._default_manager.filter(
            province=province, **{f"{field}__startswith": CODE_PREFIX}
        )

    try:
        with transaction.atomic():
            counts.products = _delete(coded(Product))
            counts.vessels = _delete(coded(FishingVessel, "registration_number"))
            counts.farms = _delete(coded(AquacultureFarm))
            counts.sites = _delete(coded(TourismSite))
            counts.wifi_points = _delete(coded(PublicWifiPoint))
            counts.cameras = _delete(coded(SecurityCamera))
            counts.cooperatives = _delete(coded(Cooperative))
            # Commune by commune: deleting loads the rows (to follow cascades), and a
            # province holds up to 1.5 million households.
            communes = AdminUnit.objects.filter(province=province, level=Level.COMMUNE)
            for commune_id in communes.values_list("id", flat=True):
                counts.households += _delete(
                    Household.objects.filter(
                        commune_id=commune_id,
                        identity_source=Source.SYNTHETIC,
                        village__in=villages,
                    )
                )
            # A village is its own `village`: that self-reference would protect it from
            # its own deletion.
            village_ids = list(villages.values_list("id", flat=True))
            AdminUnit.objects.filter(pk__in=village_ids).update(village=None)
            counts.villages = _delete(AdminUnit.objects.filter(pk__in=village_ids))
    except (ProtectedError, RestrictedError) as exc:
        blocking = list(exc.args[1])
        raise DomainError(
            _(
                "Không xóa được dữ liệu tổng hợp của %(province)s: còn %(count)s dòng dữ liệu "
                "thật gắn với nó (%(what)s). Hãy chuyển hoặc xóa chúng trước."
            )
            % {
                "province": province.name,
                "count": len(blocking),
                "what": ", ".join(sorted({str(o._meta.verbose_name) for o in blocking})),
            }
        ) from exc
    return counts


@dataclass
class SynthReport:
    """What a run wrote: per province, skipped provinces, totals and throughput."""

    provinces: list[ProvinceReport] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: SynthCounts = field(default_factory=SynthCounts)
    seconds: float = 0.0

    @property
    def counts(self) -> SynthCounts:
        total = SynthCounts()
        for report in self.provinces:
            total.add(report.counts)
        return total

    @property
    def households_per_second(self) -> float:
        return self.counts.households / self.seconds if self.seconds else 0.0

    @property
    def rows_per_second(self) -> float:
        return self.counts.rows / self.seconds if self.seconds else 0.0


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


def synth_run(
    *,
    province_codes: Sequence[str] | None,
    size: str | None = "demo",
    households: int | None = None,
    seed: int = DEFAULT_SEED,
    replace: bool = False,
    progress: Progress | None = None,
) -> SynthReport:
    """Generate synthetic data for these provinces (None: the nation), one transaction
    per province. A province that already holds synthetic data is skipped, unless
    `replace`, which removes it first in the same transaction: running the demo twice
    does not duplicate it."""
    say = progress or (lambda _message: None)
    if households is not None and households < 0:
        raise DomainError(_("Số hộ phải là số không âm."))
    if households is None and size not in SIZES:
        raise DomainError(_("Không có cỡ dữ liệu “%(size)s”.") % {"size": size})
    started = time.perf_counter()
    report = SynthReport()
    todo = []
    for province in provinces_for(province_codes):
        if has_synthetic_data(province) and not replace:
            report.skipped.append(province.code)
            say(
                _("%(province)s đã có dữ liệu tổng hợp: bỏ qua (dùng --replace để tạo lại).")
                % {"province": province.name}
            )
        else:
            todo.append(province)
    amounts = households_by_province(todo, size=size, households=households) if todo else {}
    for province in todo:
        with transaction.atomic():
            if replace:
                removed = synth_remove(province=province)
                report.removed.add(removed)
                if removed.rows:
                    say(
                        _("%(province)s: đã xóa dữ liệu tổng hợp cũ (%(rows)s dòng).")
                        % {"province": province.name, "rows": thousands(removed.rows)}
                    )
            report.provinces.append(
                synth_province(
                    province=province, households=amounts[province.pk], seed=seed, progress=say
                )
            )
            # Households were written in bulk, past the services that keep the map's
            # counts; they are counted again here, in the same transaction.
            household_map_cells_rebuild(province_ids=[province.pk])
    report.seconds = time.perf_counter() - started
    return report
