"""Migration 0003's data step runs on copies frozen inside the migration (the name's
search key, the map-cell grouping), not on live code: pinned here to what they gave
when the migration was written, so that the copies stay as they were."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from langso.places.testing import make_commune, make_province, make_village
from langso.registry.models import Household, HouseholdMapCell, HouseholdStatus
from langso.registry.tests.maps_testing import add_household

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module(
    "langso.registry.migrations.0003_household_search_and_map_cells"
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Nguyễn Thị Hoà", "nguyen thi hoa"),
        ("Đặng Văn Thuý", "dang van thuy"),
        ("  Trần   Quý ", "tran quy"),
        ("H'Hen Niê", "hhen nie"),
        ("B’Lao Kiều", "blao kieu"),
        ("Lò Văn – Pá", "lo van - pa"),
    ],
)
def test_the_frozen_search_key(name: str, key: str) -> None:
    """Lower case, no diacritics, "đ" as "d", no apostrophes, single spaces, one dash."""
    assert MIGRATION._search_key(name) == key


def test_the_frozen_map_cells_rebuild() -> None:
    """Located households are counted per lowest unit, status and zoom-16 Web Mercator
    tile, with each readiness gap apart; unlocated ones are left out."""
    province = make_province(code="37", name="Tỉnh Ninh Bình")
    commune = make_commune(province=province, code="37001", name="Xã A")
    village = make_village(commune=commune, code="37001-01", name="Thôn 1")
    first = add_household(village, 105.95, 20.25, adults_smartphone=1)
    second = add_household(village, 105.9501, 20.2501, adults_smartphone=None)
    third = add_household(village, 106.2, 20.5, broadband="none")
    add_household(village, 106.2, 20.5, location=None)
    moved = add_household(village, 106.2, 20.5, status=HouseholdStatus.MOVED_AWAY)
    HouseholdMapCell.objects.all().delete()

    MIGRATION._map_cells_rebuild(Household, HouseholdMapCell, connection)

    cells = HouseholdMapCell.objects.order_by("cell_x", "status")
    assert [
        (c.village_id, c.status, c.cell_x, c.cell_y, c.households, c.first_id) for c in cells
    ] == [
        (village.pk, HouseholdStatus.ACTIVE, 52055, 29002, 2, first.pk),
        (village.pk, HouseholdStatus.ACTIVE, 52101, 28953, 1, third.pk),
        (village.pk, HouseholdStatus.MOVED_AWAY, 52101, 28953, 1, moved.pk),
    ]
    gaps = list(
        cells.values(
            "gap_smartphone",
            "gap_smartphone_first_id",
            "gap_unknown",
            "gap_unknown_first_id",
            "gap_broadband",
            "gap_broadband_first_id",
        )
    )
    assert gaps[0] == {
        "gap_smartphone": 1,
        "gap_smartphone_first_id": first.pk,
        "gap_unknown": 1,
        "gap_unknown_first_id": second.pk,
        "gap_broadband": 0,
        "gap_broadband_first_id": None,
    }
    assert (gaps[1]["gap_broadband"], gaps[1]["gap_broadband_first_id"]) == (1, third.pk)
    assert cells[0].sum_lon == pytest.approx(105.95 + 105.9501)
    assert cells[0].sum_lat == pytest.approx(20.25 + 20.2501)
