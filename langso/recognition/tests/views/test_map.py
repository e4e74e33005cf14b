"""The recognitions' overlay on the map: `recognition:map` answers GeoJSON of the units
recognised within the caller's scope, drawn where the units layer draws them, coloured
by state (the at-risk flag for the province's roles only), with the decision."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.criteria.testing import criteria_assess_met
from langso.criteria.testing import recognition_make as criteria_recognition_make
from langso.places.models import AdminUnit
from langso.places.testing import make_unit_tree
from langso.recognition.tests.conftest import Roles, recognition_make
from langso.registry.maps import approx
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
# Communes A and B of the registry's test tree, and nothing of Hà Nội's.
NINH_BINH_BOX = "105.80,20.10,106.20,20.40"
VILLAGE_SET = "thon_thong_minh"


def _features(user: Any, **params: str) -> list[dict[str, Any]]:
    client = Client()
    client.force_login(user)
    answer = client.get(reverse("recognition:map"), params)
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == "application/geo+json"
    collection = answer.json()
    assert collection["type"] == "FeatureCollection"
    features: list[dict[str, Any]] = collection["features"]
    return features


def _by_unit(features: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["properties"]["name"]: f for f in features}


def _ha_noi_commune() -> AdminUnit:
    ha_noi = make_unit_tree(
        province_code="01", province_name="Thành phố Hà Nội", communes=1, villages_per_commune=1
    )
    commune = ha_noi.communes[0]
    commune.centroid = Point(105.85, 21.03, srid=4326)
    commune.save(update_fields=["centroid"])
    return commune


def test_the_recognitions_with_their_decision_and_place(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """A commune with a boundary is drawn by it, one without by its approximate cell; the
    popup's properties name the set, the year, the decision and the revocation, dates
    dd/mm/yyyy; only the latest year of a unit's set is drawn."""
    recognition_make(unit=tree.a, year=YEAR)
    recognition_make(unit=tree.a, year=YEAR - 1, revoked=True, number="9/QĐ-UBND")
    recognition_make(unit=tree.b, year=YEAR - 1, revoked=True)
    features = _by_unit(_features(users.province_officer, bbox=NINH_BINH_BOX))
    a, b = features[tree.a.name], features[tree.b.name]
    assert len(features) == 2
    assert a["geometry"]["type"] == "MultiPolygon"
    assert b["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert a["properties"]["set"].startswith("Bộ tiêu chí")
    assert a["properties"]["year"] == YEAR
    assert a["properties"]["decision"] == f"123/QĐ-UBND, ngày 20/12/{YEAR}"
    assert a["properties"]["revocation"] == ""
    assert b["properties"]["state"] == "revoked"
    assert b["properties"]["state_label"] == "Đã thu hồi"
    assert b["properties"]["revocation"] == f"45/QĐ-UBND, ngày 02/03/{YEAR}"


def test_a_village_is_drawn_at_its_centre_and_the_box_bounds_the_answer(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """A village recognised for a village set, known by its centre, is a point; units
    outside the box are left out."""
    tree.a1.centroid = Point(105.92, 20.22, srid=4326)
    tree.a1.save(update_fields=["centroid"])
    criteria_recognition_make(unit=tree.a1, year=YEAR, code=VILLAGE_SET)
    recognition_make(unit=tree.b, year=YEAR)
    [village] = _features(users.officer_a, bbox="105.90,20.20,105.94,20.24")
    assert village["geometry"] == {"type": "Point", "coordinates": [105.92, 20.22]}
    assert village["properties"]["set"]
    assert {f["properties"]["name"] for f in _features(users.province_officer)} == {
        tree.a1.name,
        tree.b.name,
    }


def test_each_officer_sees_their_scope_only(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Ninh Bình's officer sees nothing of Hà Nội; a commune officer sees the commune;
    a user with no role sees nothing; the central admin sees both provinces."""
    ha_noi = _ha_noi_commune()
    for unit in (tree.a, tree.b, ha_noi):
        recognition_make(unit=unit, year=YEAR)
    seen = {
        name: {f["properties"]["name"] for f in _features(users.of(name))}
        for name in ("province_officer", "officer_a", "nobody", "central_admin")
    }
    assert seen == {
        "province_officer": {tree.a.name, tree.b.name},
        "officer_a": {tree.a.name},
        "nobody": set(),
        "central_admin": {tree.a.name, tree.b.name, ha_noi.name},
    }
    hanoi_officer = make_role_holder(Role.PROVINCE_OFFICER, ha_noi.province, "canbo.hanoi")
    names = {f["properties"]["name"] for f in _features(hanoi_officer, bbox=NINH_BINH_BOX)}
    assert names == set()


def test_anonymous_is_refused(tree: RegistryTree) -> None:
    """No sign-in, no recognitions: the answer sends to the sign-in page."""
    recognition_make(unit=tree.a, year=YEAR)
    answer = Client().get(reverse("recognition:map"))
    assert answer.status_code == 302
    assert tree.a.name not in answer.content.decode()


def test_a_bad_box_is_named(users: RegistryUsers) -> None:
    client = Client()
    client.force_login(users.province_officer)
    answer = client.get(reverse("recognition:map"), {"bbox": "1,2,3"})
    assert answer.status_code == 400
    assert answer.json()["error"]


def test_the_at_risk_flag_is_for_the_province_roles(
    catalogue: None, tree: RegistryTree, users: RegistryUsers, roles: Roles
) -> None:
    """Commune B, recognised, now fails the set: the province's officer, appraiser and
    leader see it at risk; B's own officer sees it recognised. Commune A, still meeting
    the set, is recognised for all."""
    criteria_assess_met(actor=users.province_officer, unit=tree.a, met=10, year=YEAR)
    criteria_assess_met(actor=users.province_officer, unit=tree.b, met=5, year=YEAR)
    recognition_make(unit=tree.a, year=YEAR)
    recognition_make(unit=tree.b, year=YEAR)
    for user in (users.province_officer, roles.province_appraiser, roles.province_leader):
        states = {name: f["properties"]["state"] for name, f in _by_unit(_features(user)).items()}
        assert states == {tree.a.name: "recognised", tree.b.name: "at_risk"}
    [b] = _features(users.officer_b)
    assert b["properties"]["state"] == "recognised"
    assert b["properties"]["state_label"] == "Đã công nhận, còn hiệu lực"


@pytest.mark.parametrize("who", ["province_officer", "officer_b"])
def test_the_answer_costs_the_same_queries_for_one_unit_or_many(
    catalogue: None, tree: RegistryTree, users: RegistryUsers, who: str
) -> None:
    """Measured with commune B (at risk, drawn by its approximate cell) and its village
    B1 recognised, then with both communes, every village and a revoked year besides:
    the same number of queries (they grow with the provinces and sets, not the units)."""
    user = users.of(who)
    for village in (tree.a1, tree.a2, tree.b1, tree.b2):
        village.centroid = Point(105.92, 20.22, srid=4326)
        village.save(update_fields=["centroid"])
    criteria_assess_met(actor=users.province_officer, unit=tree.a, met=5, year=YEAR)
    criteria_assess_met(actor=users.province_officer, unit=tree.b, met=5, year=YEAR)
    recognition_make(unit=tree.b, year=YEAR)
    criteria_recognition_make(unit=tree.b1, year=YEAR, code=VILLAGE_SET)

    def count() -> list[str]:
        approx.approx_cache_clear()
        with CaptureQueriesContext(connection) as queries:
            found = _features(user)
        assert found
        return [query["sql"] for query in queries]

    one = count()
    recognition_make(unit=tree.a, year=YEAR)
    recognition_make(unit=tree.b, year=YEAR - 1, revoked=True)
    for village in (tree.a1, tree.a2, tree.b2):
        criteria_recognition_make(unit=village, year=YEAR, code=VILLAGE_SET)
    many = count()
    assert len(many) == len(one), "\n".join(many)
