"""What the parts of the generator share: how synthetic rows are named, the sizes, one
random stream per commune, a commune's plan and the counts of rows written."""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from langso.places.models import AdminUnit, Kind

from .cells import CommuneSite

SYNTH_SOURCE = "synth"
DEFAULT_SEED = 2026
CODE_PREFIX = "SYN-"

# Households per province for the named sizes; "nation" is 18 million in all, shared by
# the provinces generated in proportion to their weight.
PROVINCE_SIZES: dict[str, int] = {"small": 300, "demo": 5_000, "province": 1_500_000}
NATION_HOUSEHOLDS = 18_000_000
SIZES = (*PROVINCE_SIZES, "nation")

# Northern mountain provinces: lower readiness and coverage, "bản" villages.
MOUNTAIN_PROVINCES = frozenset({"04", "08", "11", "12", "14", "15", "20"})
SOUTHERN_PROVINCES = frozenset({"75", "79", "80", "82", "86", "91", "92", "96"})
URBAN_KINDS = frozenset({Kind.PHUONG, Kind.THI_TRAN})

# Households are written in chunks of this many, whatever the size of the commune.
CHUNK = 20_000

Progress = Callable[[str], None]


def thousands(value: float) -> str:
    """A count as Vietnamese write it: 1.500.000."""
    return f"{round(value):,}".replace(",", ".")


def rng_for(seed: int, code: str, stream: int) -> np.random.Generator:
    """The generator of one commune's stream (1 villages, 2 households, 3 the rest)."""
    key = int(code) if code.isdigit() else zlib.crc32(code.encode())
    return np.random.default_rng(np.random.SeedSequence([seed, key, stream]))


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
    """One commune's share of a province: where its rows go, and how many households."""

    province_code: str
    commune: AdminUnit
    site: CommuneSite
    area: Any
    coastal: bool
    households: int
    villages: list[PlacedVillage] = field(default_factory=list)


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
