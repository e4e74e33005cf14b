"""The rules of one registry each: vessels, farms, tourism sites, cooperatives, wifi
points and cameras (products: test_product_create.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from langso.registry.services.fisheries import farm_create, vessel_create
from langso.registry.services.placed import RegistryInvalid, registry_create, registry_update
from langso.registry.services.points import camera_create, site_create, wifi_point_create
from langso.registry.specs import SPECS, VESSEL
from langso.registry.testing import Points, RegistryTree, RegistryUsers, make_household

pytestmark = pytest.mark.django_db


def _errors(spec_name: str, users: RegistryUsers, values: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(RegistryInvalid) as refused:
        registry_create(spec=SPECS[spec_name], actor=users.officer_a, values=values)
    return refused.value.errors


@pytest.mark.parametrize("number", ["na-90123-ts", " NA-90123 -TS", "QNa-1234-TS", "KG-12345-ts"])
def test_vessel_numbers_are_normalised(
    number: str, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Upper case, spaces removed: "na-90123-ts" is stored "NA-90123-TS"."""
    vessel = vessel_create(
        actor=users.officer_a, values={"registration_number": number, "unit": tree.a}
    )
    assert vessel.registration_number == number.replace(" ", "").upper()


@pytest.mark.parametrize(
    "number", ["NA90123TS", "N-90123-TS", "NA-123-TS", "NA-901234-TS", "NA-90123-T", "1A-9012-TS"]
)
def test_malformed_vessel_numbers_are_refused(
    number: str, tree: RegistryTree, users: RegistryUsers
) -> None:
    errors = _errors("vessel", users, {"registration_number": number, "unit": tree.a})
    assert set(errors) == {"registration_number"}
    assert "NA-90123-TS" in errors["registration_number"]


def test_vessel_sizes_must_be_positive(tree: RegistryTree, users: RegistryUsers) -> None:
    errors = _errors(
        "vessel",
        users,
        {"registration_number": "NA-90123-TS", "unit": tree.a, "length_m": 0, "engine_kw": -5},
    )
    assert set(errors) == {"length_m", "engine_kw"}


def test_a_full_vessel(tree: RegistryTree, users: RegistryUsers, points: Points) -> None:
    """Owner household by address code, sizes, home port and licence expiry."""
    owner = make_household(village=tree.a1)
    vessel = vessel_create(
        actor=users.officer_a,
        values={
            "registration_number": "NA-90123-TS",
            "unit": tree.a,
            "location": points.inside_a,
            "name": "Bình Minh 01",
            "length_m": Decimal("14.5"),
            "engine_kw": 90,
            "home_port": "Cảng cá Lạch Quèn",
            "owner": owner.address_code,
            "licence_expires_on": dt.date(2027, 6, 30),
        },
    )
    assert vessel.owner == owner
    assert vessel.engine_kw == Decimal(90)
    registry_update(
        spec=VESSEL,
        actor=users.officer_a,
        instance=vessel,
        changes={"licence_expires_on": dt.date(2028, 1, 1)},
    )
    vessel.refresh_from_db()
    assert vessel.licence_expires_on == dt.date(2028, 1, 1)


def test_a_vessel_owner_outside_scope_is_unknown(tree: RegistryTree, users: RegistryUsers) -> None:
    other = make_household(village=tree.b1)
    errors = _errors(
        "vessel",
        users,
        {"registration_number": "NA-90123-TS", "unit": tree.a, "owner": other.address_code},
    )
    assert set(errors) == {"owner"}


def test_a_farm_needs_a_positive_area_and_takes_its_households_place(
    tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    household = make_household(village=tree.a2, location=points.inside_a)
    for area in (0, Decimal("-1.5")):
        errors = _errors("farm", users, {"household": household.address_code, "area_ha": area})
        assert set(errors) == {"area_ha"}
    farm = farm_create(
        actor=users.officer_a,
        values={"household": household.address_code, "area_ha": Decimal("0.75"), "species": "Tôm"},
    )
    assert (farm.village_id, farm.location) == (tree.a2.pk, household.location)
    assert farm.code == f"{tree.a.code}-NT0001"


def test_a_farm_without_household_needs_a_unit(users: RegistryUsers, tree: RegistryTree) -> None:
    assert set(_errors("farm", users, {"area_ha": 1})) == {"unit"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "casino"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"website": "ftp://example.vn"}, "website"),
        ({"website": "không phải địa chỉ"}, "website"),
        ({"phone": "12"}, "phone"),
        ({"phone": "gọi tôi"}, "phone"),
    ],
)
def test_tourism_site_rules(
    values: dict[str, Any], field: str, tree: RegistryTree, users: RegistryUsers
) -> None:
    """A known kind; a website on http(s); a phone that can be dialled."""
    errors = _errors(
        "tourism-site", users, {"name": "Homestay", "kind": "homestay", "unit": tree.a1} | values
    )
    assert set(errors) == {field}


def test_a_good_tourism_site(tree: RegistryTree, users: RegistryUsers) -> None:
    site = site_create(
        actor=users.officer_a,
        values={
            "name": "Làng nghề Kim Sơn",
            "kind": "craft_village",
            "unit": tree.a1,
            "website": "https://kimson.vn",
            "phone": "0229 3 812 345",
            "opening_hours": "7:00–17:00",
        },
    )
    assert site.search_name == "lang nghe kim son"
    assert site.code == f"{tree.a.code}-DL0001"


def test_cooperative_rules(tree: RegistryTree, users: RegistryUsers) -> None:
    """Founded no later than today; a known status; a dialable phone."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    errors = _errors(
        "cooperative",
        users,
        {"name": "HTX", "unit": tree.a1, "founded_on": tomorrow, "status": "x", "phone": "1"},
    )
    assert set(errors) == {"founded_on", "status", "phone"}


def test_wifi_points_and_cameras(tree: RegistryTree, users: RegistryUsers) -> None:
    """A place is required; a camera's purpose is one of the known ones."""
    assert set(_errors("wifi-point", users, {"unit": tree.a1, "place": ""})) == {"place"}
    assert set(_errors("camera", users, {"unit": tree.a1, "place": "Chợ", "purpose": "spy"})) == {
        "purpose"
    }
    point = wifi_point_create(
        actor=users.officer_a, values={"unit": tree.a1, "place": "Nhà văn hóa", "is_working": False}
    )
    camera = camera_create(
        actor=users.officer_a,
        values={"unit": tree.a1, "place": "Chợ", "purpose": "traffic", "connected_to_centre": True},
    )
    assert (point.code, point.is_working) == (f"{tree.a.code}-WF0001", False)
    assert (camera.code, camera.connected_to_centre) == (f"{tree.a.code}-CAM0001", True)
