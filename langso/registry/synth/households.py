"""A commune's synthetic households: readiness drawn around the plan targets, counts
within the model's rules, heads' names, points near their village, written in bulk
(`registry.bulk`: COPY on PostgreSQL, multi-row INSERTs elsewhere), `CHUNK` at a time
so that memory stays flat."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from .. import bulk
from ..models import Broadband, Household, HouseholdStatus, MobileCoverage, Source, head_name_keys
from .base import CHUNK, MOUNTAIN_PROVINCES, URBAN_KINDS, CommunePlan, rng_for
from .cells import km_to_degrees

# Readiness levels provincial plans aim at; communes vary around them.
TARGETS = {"smartphone": 0.70, "epayment": 0.65, "vneid": 0.60, "public_service": 0.45}
# Members per household, 1 to 8: a mean of 3.66 (the 2019 census found 3.5 for the
# whole country; rural households are a little larger).
_MEMBER_SHARES = np.array([0.08, 0.17, 0.22, 0.26, 0.15, 0.07, 0.03, 0.02])


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
    urban = commune_kind in URBAN_KINDS
    mountain = province_code in MOUNTAIN_PROVINCES
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


class Names:
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


def households_write(
    plan: CommunePlan, *, seed: int, codes: list[str], now: dt.datetime, names: Names
) -> int:
    """Write the commune's households (see `household_rows`); returns how many."""
    return bulk.insert_rows(
        Household, household_rows(plan, seed=seed, codes=codes, now=now, names=names)
    )


def household_rows(
    plan: CommunePlan, *, seed: int, codes: list[str], now: dt.datetime, names: Names
) -> Iterator[dict[str, Any]]:
    """The commune's households as `bulk.insert_rows` takes them, drawn `CHUNK` at a
    time, village by village, each near its village's centre and inside the commune's
    area."""
    rng = rng_for(seed, plan.site.code, 2)
    profile = readiness_profile(rng, province_code=plan.province_code, commune_kind=plan.site.kind)
    villages = plan.villages
    shares = rng.gamma(4.0, 1.0, size=len(villages))
    village_of = np.sort(rng.choice(len(villages), size=plan.households, p=shares / shares.sum()))
    # A village's neighbourhood: its share of the commune's radius.
    area = plan.site.area_km2 or 30.0
    spread_lat = km_to_degrees(math.sqrt(area / math.pi / len(villages))) / 2
    spread_lon = spread_lat / max(0.2, math.cos(math.radians(plan.site.lat)))
    urban = plan.site.kind in URBAN_KINDS
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
        columns["location"] = list(zip(lon.tolist(), lat.tolist(), strict=True))
        fields = list(columns)
        for values in zip(*columns.values(), strict=True):
            yield dict(zip(fields, values, strict=True))
