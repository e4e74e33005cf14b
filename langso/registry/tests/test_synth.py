"""The synthetic-province generator: reproducible, within the model's rules, placed inside
the synthetic commune cells, vessels only on the coast, and removable without touching
real rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
import shapely
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection, transaction
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from langso.core.db import capabilities
from langso.core.errors import DomainError
from langso.places.models import AdminUnit, Kind, Level
from langso.places.testing import make_commune, make_province, make_village
from langso.registry import bulk, synth
from langso.registry.models import (
    AquacultureFarm,
    Cooperative,
    FishingVessel,
    Household,
    Product,
    PublicWifiPoint,
    SecurityCamera,
    Source,
    TourismSite,
)
from langso.registry.synth.base import split_total
from langso.registry.synth.cells import CommuneSite, clip_area, coastal_codes, commune_cells
from langso.registry.synth.households import ReadinessProfile, household_counts
from langso.registry.synth.provinces import province_cells, province_coastal_communes

pytestmark = pytest.mark.django_db

READINESS = ("adults_smartphone", "adults_epayment", "adults_vneid", "adults_public_service")


@dataclass
class Provinces:
    coastal: AdminUnit
    inland: AdminUnit


def _province(code: str, name: str, *, lon: float, lat: float, rows: int, cols: int) -> AdminUnit:
    """A current province whose communes sit on a grid ~5.5 km apart, each of 25 km²; the
    first commune is a ward (phường)."""
    province = make_province(code=code, name=name)
    for r in range(rows):
        for c in range(cols):
            n = r * cols + c + 1
            commune = make_commune(province=province, code=f"{code}{n:03d}", name=f"Xã Số {n}")
            commune.kind = Kind.PHUONG if n == 1 else Kind.XA
            commune.centroid = Point(lon + 0.05 * c, lat + 0.05 * r, srid=4326)
            commune.area_km2 = Decimal(25)
            commune.save(update_fields=["kind", "centroid", "area_km2"])
    return province


@pytest.fixture
def provinces(db: None) -> Provinces:
    """Ninh Bình (37, coastal: the sea lies south-east) with 4 × 4 communes, and Cao Bằng
    (04, inland) with 2 × 2."""
    return Provinces(
        coastal=_province("37", "Tỉnh Ninh Bình", lon=106.0, lat=20.1, rows=4, cols=4),
        inland=_province("04", "Tỉnh Cao Bằng", lon=106.2, lat=22.6, rows=2, cols=2),
    )


def _run(**kwargs: Any) -> synth.SynthReport:
    kwargs.setdefault("province_codes", ["37"])
    kwargs.setdefault("size", "small")
    return synth.synth_run(**kwargs)


def _snapshot() -> dict[str, Any]:
    return {
        "villages": sorted(
            AdminUnit.objects.filter(source__name=synth.SYNTH_SOURCE).values_list(
                "code", "name", "kind"
            )
        ),
        "households": sorted(
            Household.objects.values_list(
                "address_code",
                "village__code",
                "members",
                "adults",
                "adults_smartphone",
                "head_name",
                "location",
            )
        ),
        "vessels": sorted(FishingVessel.objects.values_list("registration_number", "length_m")),
        "products": sorted(Product.objects.values_list("code", "name", "ocop_stars")),
    }


@contextmanager
def _undone() -> Iterator[None]:
    """Runs the block in a transaction that is then undone, address sequences included."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def test_same_seed_gives_the_same_rows(provinces: Provinces) -> None:
    """Run twice on the same database state with the same seed: the same villages,
    address codes, counts, names, points, vessels and products."""
    with _undone():
        _run(seed=7)
        first = _snapshot()
    assert not Household.objects.exists()
    _run(seed=7)
    assert _snapshot() == first
    assert len(first["households"]) == 300


def test_another_seed_gives_other_rows(provinces: Provinces) -> None:
    """A different seed gives other villages and other households."""
    with _undone():
        _run(seed=7)
        first = _snapshot()
    _run(seed=8)
    second = _snapshot()
    assert second["villages"] != first["villages"]
    assert [h[2:] for h in second["households"]] != [h[2:] for h in first["households"]]


def test_counts_keep_the_model_rules(provinces: Provinces) -> None:
    """1 ≤ adults ≤ members ≤ 8, every readiness count ≤ adults, every field group's
    source says synthetic, and no phone number is made up."""
    _run(size="demo")
    households = Household.objects.all()
    assert households.count() == 5_000
    assert not households.filter(Q(adults__gt=F("members")) | Q(adults__lt=1)).exists()
    assert not households.filter(Q(members__lt=1) | Q(members__gt=8)).exists()
    for field in READINESS:
        assert not households.filter(**{f"{field}__gt": F("adults")}).exists()
    for group in ("identity", "composition", "connectivity", "location"):
        assert households.filter(**{f"{group}_source": Source.SYNTHETIC}).count() == 5_000
    assert not households.exclude(head_phone="").exists()
    # Households not surveyed yet have unknown readiness, and no readiness source.
    unknown = households.filter(adults_smartphone__isnull=True)
    assert unknown.exists()
    assert not unknown.exclude(readiness_source="").exists()


def test_readiness_is_around_the_targets() -> None:
    """Over many households, about 70 % of adults have a smartphone and 65 % an e-payment
    account, as plans target."""
    rng = np.random.default_rng(1)
    profile = ReadinessProfile(
        smartphone=0.70,
        epayment=0.65,
        vneid=0.60,
        public_service=0.45,
        fibre=0.6,
        other_broadband=0.05,
        coverage=(0.1, 0.8, 0.08, 0.02),
        surveyed=1.0,
    )
    counts = household_counts(rng, 20_000, profile)
    adults = sum(counts.adults)
    assert sum(v or 0 for v in counts.smartphone) / adults == pytest.approx(0.70, abs=0.02)
    assert sum(v or 0 for v in counts.epayment) / adults == pytest.approx(0.65, abs=0.02)
    assert sum(v or 0 for v in counts.public_service) / adults == pytest.approx(0.45, abs=0.02)
    assert 3.2 < sum(counts.members) / 20_000 < 4.0


def test_every_household_lies_in_its_commune_cell(provinces: Provinces) -> None:
    """Each household's point lies inside its commune's synthetic cell, and each village's
    centre too; communes' real boundaries stay empty."""
    _run(size="demo")
    cells = province_cells(provinces.coastal)
    rows = list(Household.objects.values_list("commune_id", "location"))
    for commune_id, cell in cells.items():
        points = [p for c, p in rows if c == commune_id and p is not None]
        assert len(points) == sum(1 for c, _p in rows if c == commune_id) > 0
        xs = np.array([p.x for p in points])
        ys = np.array([p.y for p in points])
        assert shapely.contains_xy(cell, xs, ys).all()
    for village in AdminUnit.objects.filter(source__name=synth.SYNTH_SOURCE):
        assert village.centroid is not None
        assert village.commune_id is not None
        assert cells[village.commune_id].contains(shapely.Point(village.centroid.coords))
    assert not AdminUnit.objects.filter(level=Level.COMMUNE, boundary__isnull=False).exists()


def test_vessels_only_in_coastal_communes(provinces: Provinces) -> None:
    """Vessels go to coastal communes only (here the south-eastern edge of Ninh Bình),
    and an inland province gets none."""
    _run(province_codes=["37", "04"], size="demo")
    coastal = province_coastal_communes(provinces.coastal)
    assert coastal
    assert len(coastal) < 16
    vessel_communes = set(FishingVessel.objects.values_list("commune_id", flat=True))
    assert vessel_communes
    assert vessel_communes <= coastal
    assert not FishingVessel.objects.filter(province=provinces.inland).exists()
    assert province_coastal_communes(provinces.inland) == set()


def test_the_other_registries_are_plausible(provinces: Provinces) -> None:
    """Cooperatives with products, OCOP stars 3-5 with a year, wifi points at cultural
    houses, cameras, farms, tourism sites; every row in a synthetic village, coded SYN-."""
    _run(size="demo")
    assert Cooperative.objects.exists()
    assert Product.objects.filter(cooperative__isnull=False).exists()
    starred = Product.objects.filter(ocop_stars__isnull=False)
    assert starred.exists()
    assert not starred.filter(Q(ocop_stars__lt=3) | Q(ocop_stars__gt=5) | Q(ocop_year=None))
    assert PublicWifiPoint.objects.filter(place__startswith="Nhà văn hóa").exists()
    for model in (Cooperative, Product, AquacultureFarm, TourismSite, PublicWifiPoint):
        rows = model._default_manager.all()
        assert not rows.exclude(code__startswith="SYN-").exists()
        assert not rows.exclude(village__source__name=synth.SYNTH_SOURCE).exists()
    assert SecurityCamera.objects.exists()


def test_villages_are_named_for_their_commune_kind(provinces: Provinces) -> None:
    """8 to 25 villages per commune; a ward (phường) gets residential groups (tổ dân
    phố), a rural commune thôn; names are unique in the commune."""
    _run()
    for commune in AdminUnit.objects.filter(province=provinces.coastal, level=Level.COMMUNE):
        villages = list(AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE))
        assert 8 <= len(villages) <= 25
        assert len({v.name for v in villages}) == len(villages)
        expected = Kind.TO_DAN_PHO if commune.kind == Kind.PHUONG else Kind.THON
        assert {v.kind for v in villages} == {expected}
        assert all(v.village_id == v.pk for v in villages)


def test_a_province_with_synthetic_data_is_skipped(provinces: Provinces) -> None:
    """Running again without `replace` writes nothing and says the province was
    skipped (the demo runs on every start of the server)."""
    _run()
    before = _snapshot()
    report = _run()
    assert report.skipped == ["37"]
    assert report.counts.rows == 0
    assert _snapshot() == before


def test_replace_removes_only_synthetic_rows(provinces: Provinces) -> None:
    """`replace` removes the province's synthetic villages and rows, keeps real ones (in
    real villages, in the same communes), and writes the new seed's rows."""
    commune = AdminUnit.objects.get(code="37001")
    real_village = make_village(commune=commune, code="37001-01", name="Thôn Thật")
    real = Household.objects.create(
        province=provinces.coastal, commune=commune, village=real_village, address_code="REAL-1"
    )
    real_coop = Cooperative.objects.create(
        province=provinces.coastal, commune=commune, code="37001-HTX0001", name="HTX Thật"
    )
    _run(seed=1)
    old_villages = set(
        AdminUnit.objects.filter(source__name=synth.SYNTH_SOURCE).values_list("pk", flat=True)
    )
    report = _run(seed=2, replace=True)
    assert report.removed.households == 300
    assert report.removed.villages == len(old_villages)
    assert Household.objects.filter(pk=real.pk).exists()
    assert Cooperative.objects.filter(pk=real_coop.pk).exists()
    assert AdminUnit.objects.filter(pk=real_village.pk).exists()
    assert not AdminUnit.objects.filter(pk__in=old_villages).exists()
    assert Household.objects.filter(identity_source=Source.SYNTHETIC).count() == 300
    assert not AdminUnit.objects.filter(source__name=synth.SYNTH_SOURCE, source__version="1")


def test_remove_refuses_while_a_real_row_uses_a_synthetic_village(provinces: Provinces) -> None:
    """A real household put in a synthetic village blocks the removal: the error says
    why, and nothing is removed."""
    _run()
    village = AdminUnit.objects.filter(source__name=synth.SYNTH_SOURCE).first()
    assert village is not None
    assert village.commune_id is not None
    Household.objects.create(
        province=provinces.coastal,
        commune_id=village.commune_id,
        village=village,
        address_code="REAL-2",
    )
    before = Household.objects.count()
    with pytest.raises(DomainError, match="còn 1 dòng dữ liệu thật"):
        synth.synth_remove(province=provinces.coastal)
    assert Household.objects.count() == before


def test_unknown_province_is_named(provinces: Provinces) -> None:
    with pytest.raises(DomainError, match="“99”"):
        _run(province_codes=["37", "99"])


def test_households_are_shared_by_commune_weight(provinces: Provinces) -> None:
    """`households` N in all: wards get more than rural communes of the same area, and the
    shares add up to N."""
    _run(province_codes=["37", "04"], size=None, households=1_000)
    assert Household.objects.count() == 1_000
    ward = Household.objects.filter(commune__code="37001").count()
    rural = Household.objects.filter(commune__code="37002").count()
    assert ward > 2 * rural


def test_split_total_adds_up() -> None:
    assert split_total(10, [1.0, 1.0, 1.0]) == [4, 3, 3]
    assert sum(split_total(1_500_000, [0.3, 2.2, 1.7, 9.1])) == 1_500_000
    assert split_total(5, [0.0, 0.0]) == [3, 2]


def test_cells_partition_the_province() -> None:
    """Each cell holds its own centroid, cells do not overlap, and together they cover
    the clip area."""
    sites = [
        CommuneSite(code=f"{n:05d}", kind=Kind.XA, lon=lon, lat=lat, area_km2=20.0)
        for n, (lon, lat) in enumerate(
            [(105.0, 20.0), (105.1, 20.0), (105.05, 20.1), (105.2, 20.15), (105.1, 20.2)]
        )
    ]
    cells = commune_cells(sites)
    clip = clip_area(sites)
    for site in sites:
        assert cells[site.code].contains(shapely.Point(site.lon, site.lat))
    union = shapely.union_all(list(cells.values()))
    assert union.area == pytest.approx(clip.area, rel=1e-6)
    assert sum(c.area for c in cells.values()) == pytest.approx(clip.area, rel=1e-6)


def test_far_islands_do_not_hide_the_coast() -> None:
    """A special zone far offshore is coastal, and so are the mainland communes on the
    sea side; the island does not stretch the edge away from them."""
    mainland = [
        CommuneSite(code=f"79{r}{c}0", kind=Kind.XA, lon=106.5 + 0.1 * c, lat=10.6 + 0.1 * r,
                          area_km2=40.0)
        for r in range(4)
        for c in range(4)
    ]  # fmt: skip
    island = CommuneSite(code="79990", kind=Kind.DAC_KHU, lon=106.6, lat=8.7, area_km2=75.0)
    coastal = coastal_codes("79", [*mainland, island])
    assert island.code in coastal
    south = {s.code for s in mainland if s.lat == 10.6}
    north = {s.code for s in mainland if s.lat > 10.85}
    assert coastal & south
    assert not coastal & north


def _households() -> list[tuple[Any, ...]]:
    """Every stored column of every household, in address-code order, the village by its
    code (ids differ from one run to the next) and the point as its coordinates."""
    columns = [
        f.attname
        for f in Household._meta.concrete_fields
        if f.attname not in {"id", "village_id", "location"}
    ]
    rows = Household.objects.order_by("address_code").values_list(
        "village__code", "location", *columns
    )
    return [(village, location.coords, *rest) for village, location, *rest in rows]


def _household_inserts(queries: CaptureQueriesContext) -> list[str]:
    table = connection.ops.quote_name(Household._meta.db_table)
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(f"INSERT INTO {table} (")
    ]


def test_copy_and_insert_write_the_same_households(
    provinces: Provinces, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Households go in through `bulk`: by COPY on PostgreSQL, by INSERT elsewhere. Made
    to INSERT on PostgreSQL too, the same run stores the same households, every column
    alike (timestamps to the microsecond, points to the last bit)."""
    if not capabilities().bulk_copy:
        pytest.skip("COPY is PostgreSQL's: on this database the INSERT path is the only one")
    # One clock for both runs: the rows carry their creation time.
    moment = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    with _undone(), CaptureQueriesContext(connection) as copying:
        _run(seed=3)
        copied = _households()
    no_copy = replace(capabilities(), bulk_copy=False)
    monkeypatch.setattr(bulk, "capabilities", lambda using="default": no_copy)
    with CaptureQueriesContext(connection) as inserting:
        _run(seed=3)
    inserted = _households()
    # Each run took the path it was meant to (COPY is not among the captured queries).
    assert not _household_inserts(copying)
    assert _household_inserts(inserting)
    assert len(copied) == 300
    assert inserted == copied


def test_a_loaded_commune_boundary_is_used(provinces: Provinces) -> None:
    """Where a commune's real boundary is loaded, its households fall inside it, and its
    neighbours' cells leave its territory alone."""
    commune = AdminUnit.objects.get(code="37006")
    assert commune.centroid is not None
    x, y = commune.centroid.x, commune.centroid.y
    square = Polygon.from_bbox((x - 0.01, y - 0.01, x + 0.01, y + 0.01))
    commune.boundary = MultiPolygon(square, srid=4326)
    commune.save(update_fields=["boundary"])
    _run(size="demo")
    cells = province_cells(provinces.coastal)
    assert cells[commune.pk].equals(shapely.from_wkt(square.wkt))
    inside = Household.objects.filter(commune=commune, location__within=commune.boundary)
    assert inside.count() == Household.objects.filter(commune=commune).count() > 0
    assert not Household.objects.exclude(commune=commune).filter(location__within=commune.boundary)
    for other_id, cell in cells.items():
        if other_id != commune.pk:
            assert cell.intersection(cells[commune.pk]).area < 1e-12
