"""/api/v1/cooperatives, /products, /vessels, /farms, /tourism-sites, /wifi-points,
/cameras: scoped lists and details as JSON or GeoJSON, create, partial update."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries, Settings

from langso.accounts.testing import client_for
from langso.core.selectors import audit_history
from langso.registry.models import Cooperative, FishingVessel
from langso.registry.services.economy import photo_add
from langso.registry.specs import (
    COOPERATIVE,
    PRODUCT,
    TOURISM_SITE,
    VESSEL,
    WIFI_POINT,
    RegistrySpec,
)
from langso.registry.testing import (
    Points,
    RegistryTree,
    RegistryUsers,
    each_spec,
    good_values,
    image_bytes,
    make_household,
    make_row,
)

pytestmark = pytest.mark.django_db


def _url(spec: RegistrySpec[Any], key: str = "") -> str:
    return f"/api/v1/{spec.api_path}" + (f"/{key}" if key else "")


def _key(spec: RegistrySpec[Any], row: Any) -> str:
    return str(getattr(row, spec.key))


@each_spec
def test_each_list_is_scoped_to_the_caller(
    spec: RegistrySpec[Any], tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """The officer of A gets A's rows only; the province officer gets both communes';
    the unit codes and [lon, lat] come with each row."""
    mine = make_row(spec, unit=tree.a1, location=points.inside_a)
    theirs = make_row(spec, unit=tree.b1)
    body = client_for(users.officer_a).get(_url(spec)).json()
    assert [r[spec.key] for r in body["results"]] == [_key(spec, mine)]
    [row] = body["results"]
    assert (row["province"], row["commune"], row["village"]) == (
        tree.province.code,
        tree.a.code,
        tree.a1.code,
    )
    assert row["location"] == [points.inside_a.x, points.inside_a.y]
    wide = client_for(users.province_officer).get(_url(spec)).json()
    assert {r[spec.key] for r in wide["results"]} == {_key(spec, mine), _key(spec, theirs)}


@each_spec
def test_each_list_as_geojson(
    spec: RegistrySpec[Any], tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """A FeatureCollection of points (null geometry where no point is known), the key
    as each feature's id."""
    placed = make_row(spec, unit=tree.a1, location=points.inside_a)
    unplaced = make_row(spec, unit=tree.a2)
    response = client_for(users.officer_a).get(_url(spec), {"format": "geojson"})
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    features = {f["id"]: f for f in body["features"]}
    assert features[_key(spec, placed)]["geometry"] == {
        "type": "Point",
        "coordinates": [points.inside_a.x, points.inside_a.y],
    }
    assert features[_key(spec, unplaced)]["geometry"] is None
    assert features[_key(spec, placed)]["properties"]["commune"] == tree.a.code


@each_spec
def test_each_api_list_costs_the_same_for_one_row_or_many(
    spec: RegistrySpec[Any],
    tree: RegistryTree,
    users: RegistryUsers,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """One row or thirty-one across villages and a commune: the same queries, and every
    row in the answer."""
    client = client_for(users.province_officer)
    make_row(spec, unit=tree.a1)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(spec)).status_code == 200
    for unit in (tree.a1, tree.a2, tree.b1, tree.b2, tree.a) * 6:
        make_row(spec, unit=unit)
    with django_assert_num_queries(len(captured)):
        assert len(client.get(_url(spec)).json()["results"]) == 31


@each_spec
def test_unknown_or_out_of_scope_keys_are_404(
    spec: RegistrySpec[Any], tree: RegistryTree, users: RegistryUsers
) -> None:
    """A's row is not found for the officer of B, exactly as a key that does not exist,
    on GET and on PATCH."""
    row = make_row(spec, unit=tree.a1)
    client = client_for(users.officer_b)
    for key in (_key(spec, row), "KHONG-CO-MA"):
        response = client.get(_url(spec, key))
        assert response.status_code == 404
        assert "detail" in response.json()
        patch = client.patch(_url(spec, key), {}, content_type="application/json")
        assert patch.status_code == 404


@each_spec
def test_each_registry_is_created_and_patched_through_the_api(
    spec: RegistrySpec[Any], tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """POST gives 201 and the row as JSON; PATCH changes only what is sent and the audit
    trail records both."""
    client = client_for(users.officer_a)
    payload = good_values(spec, unit=tree.a1) | {
        "unit": tree.a1.code,
        "lat": points.inside_a.y,
        "lon": points.inside_a.x,
    }
    created = client.post(_url(spec), payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    key = body[spec.key]
    assert body["village"] == tree.a1.code
    patched = client.patch(
        _url(spec, key), {"lat": None, "lon": None}, content_type="application/json"
    )
    assert patched.status_code == 200
    assert patched.json()["location"] is None
    row = spec.model._default_manager.get(**{spec.key: key})
    assert [e.action for e in audit_history(instance=row)] == ["update", "create"]
    detail = client.get(_url(spec, key.lower())).json()
    assert detail[spec.key] == key


def test_a_product_with_photos_and_its_maker(
    tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """A product names its maker by key and lists its photos; its place is the maker's."""
    household = make_household(village=tree.a2, location=points.inside_a)
    client = client_for(users.officer_a)
    body = client.post(
        _url(PRODUCT),
        {
            "name": "Mắm tôm",
            "category": "food",
            "household": household.address_code,
            "ocop_stars": 3,
            "ocop_year": 2024,
            "price": 50000,
            "price_unit": "hũ",
        },
        content_type="application/json",
    ).json()
    assert body["household"] == household.address_code
    assert body["cooperative"] is None
    assert body["village"] == tree.a2.code
    assert body["location"] == [points.inside_a.x, points.inside_a.y]
    assert (body["ocop_stars"], body["price"], body["photos"]) == (3, 50000, [])


def test_validation_errors_name_every_field(tree: RegistryTree, users: RegistryUsers) -> None:
    """400 with each bad field and its reason; nothing is written."""
    response = client_for(users.officer_a).post(
        _url(VESSEL),
        {"registration_number": "NA90123", "unit": tree.a.code, "length_m": -1, "lat": 20.25},
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == [{"param": "location", "in": "body", "message": errors[0]["message"]}]
    response = client_for(users.officer_a).post(
        _url(VESSEL),
        {"registration_number": "NA90123", "unit": tree.a.code, "length_m": -1},
        content_type="application/json",
    )
    assert {e["param"] for e in response.json()["errors"]} == {"registration_number", "length_m"}
    response = client_for(users.officer_a).post(
        _url(VESSEL),
        {"registration_number": "NA-90123-TS", "unit": "99999"},
        content_type="application/json",
    )
    assert {e["param"] for e in response.json()["errors"]} == {"unit"}
    assert not FishingVessel.objects.exists()


def test_a_unit_outside_scope_is_refused(tree: RegistryTree, users: RegistryUsers) -> None:
    response = client_for(users.officer_a).post(
        _url(WIFI_POINT), {"place": "X", "unit": tree.b1.code}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "detail" in response.json()


def test_viewers_may_read_but_not_write(tree: RegistryTree, users: RegistryUsers) -> None:
    """A digital-team member reads A's rows but PATCH and POST are refused (403)."""
    row = make_row(WIFI_POINT, unit=tree.a1)
    client = client_for(users.digital_team_a)
    assert client.get(_url(WIFI_POINT, _key(WIFI_POINT, row))).status_code == 200
    patch = client.patch(
        _url(WIFI_POINT, _key(WIFI_POINT, row)),
        {"is_working": False},
        content_type="application/json",
    )
    assert patch.status_code == 403
    post = client.post(
        _url(WIFI_POINT), {"place": "X", "unit": tree.a1.code}, content_type="application/json"
    )
    assert post.status_code == 403


def test_anonymous_callers_are_refused(tree: RegistryTree) -> None:
    assert Client().get(_url(WIFI_POINT)).status_code == 401


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"status": "gone"}, "status"),
        ({"limit": 0}, "limit"),
        ({"limit": 10_000}, "limit"),
        ({"after": "abc"}, "after"),
        ({"format": "kml"}, "format"),
        ({"unit": "99999"}, "unit"),
    ],
)
def test_bad_parameters_are_400_and_named(
    params: dict[str, Any], param: str, tree: RegistryTree, users: RegistryUsers
) -> None:
    response = client_for(users.officer_a).get("/api/v1/cooperatives", params)
    assert response.status_code == 400
    assert param in response.json()["detail"]


def test_filters_search_and_keyset_pages(tree: RegistryTree, users: RegistryUsers) -> None:
    """Search ignores diacritics; filters narrow; `next` leads to the following page."""
    client = client_for(users.province_officer)
    first = make_row(
        TOURISM_SITE, unit=tree.a1, name="Làng nghề Kim Sơn", search_name="lang nghe kim son"
    )
    make_row(TOURISM_SITE, unit=tree.b1, kind="homestay")
    third = make_row(TOURISM_SITE, unit=tree.b1, kind="homestay")
    found = client.get(_url(TOURISM_SITE), {"q": "kim son"}).json()["results"]
    assert [r["code"] for r in found] == [first.code]
    homestays = client.get(_url(TOURISM_SITE), {"kind": "homestay", "unit": tree.b.code}).json()
    assert len(homestays["results"]) == 2
    page = client.get(_url(TOURISM_SITE), {"limit": 1}).json()
    assert [r["code"] for r in page["results"]] == [third.code]
    assert page["next"] == third.pk
    rest = client.get(_url(TOURISM_SITE), {"limit": 5, "after": page["next"]}).json()
    assert len(rest["results"]) == 2
    assert rest["next"] is None


def test_the_key_cannot_be_patched(tree: RegistryTree, users: RegistryUsers) -> None:
    cooperative = make_row(COOPERATIVE, unit=tree.a1)
    assert isinstance(cooperative, Cooperative)
    response = client_for(users.officer_a).patch(
        f"/api/v1/cooperatives/{cooperative.code}",
        {"code": "37001-HTX9999", "members": 5},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {e["param"] for e in response.json()["errors"]} == {"code"}


def test_a_detail_costs_the_same_with_many_photos(
    tree: RegistryTree,
    users: RegistryUsers,
    django_assert_num_queries: DjangoAssertNumQueries,
    settings: Settings,
    tmp_path: Path,
) -> None:
    """A product with one photo or five: the same queries, as JSON and as GeoJSON."""
    settings.MEDIA_ROOT = tmp_path
    product = make_row(PRODUCT, unit=tree.a1)
    client = client_for(users.officer_a)

    def add_photo() -> None:
        photo_add(
            spec=PRODUCT,
            actor=users.officer_a,
            subject=product,
            upload=SimpleUploadedFile("a.jpg", image_bytes()),
        )

    add_photo()
    url = _url(PRODUCT, product.code)
    with CaptureQueriesContext(connection) as captured:
        assert len(client.get(url).json()["photos"]) == 1
    for _ in range(4):
        add_photo()
    with django_assert_num_queries(len(captured)):
        assert len(client.get(url).json()["photos"]) == 5
    with django_assert_num_queries(len(captured)):
        feature = client.get(url, {"format": "geojson"}).json()
    assert feature["type"] == "Feature"
    assert len(feature["properties"]["photos"]) == 5
