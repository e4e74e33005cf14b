"""Browsing the tree: province list, search, unit pages with lineage."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import make_role_holder
from langso.places.models import LEGACY_VALID_TO, AdminUnit, UnitLineage, UnitSource
from langso.places.testing import (
    make_commune,
    make_district,
    make_province,
    make_unit_tree,
    make_village,
)

from ..conftest import Tree

pytestmark = pytest.mark.django_db


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_province_list_costs_the_same_for_one_or_many(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The list of provinces and their number of communes is one query, however many."""
    make_unit_tree(province_code="37", communes=1, villages_per_commune=1)
    url = reverse("places:unit-list")
    few = _count_queries(client, url)
    for n in range(10):
        make_unit_tree(province_code=f"{40 + n}", province_name=f"Tỉnh {n}", communes=3)
    with django_assert_num_queries(few):
        client.get(url)


def test_commune_page_costs_the_same_for_one_or_many_villages(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """A commune page with 1 or 30 villages runs the same queries."""
    tree = make_unit_tree(communes=1, villages_per_commune=1)
    commune = tree.communes[0]
    url = reverse("places:unit-detail", args=[commune.code])
    one = _count_queries(client, url)
    for n in range(2, 31):
        make_village(commune=commune, code=f"{commune.code}-{n:02d}", name=f"Thôn {n}")
    with django_assert_num_queries(one):
        client.get(url)


def test_search_finds_without_diacritics(client: Client) -> None:
    """ "dan phuong" finds Xã Đan Phượng and shows its province."""
    hanoi = make_province(code="01", name="Thành phố Hà Nội")
    make_commune(province=hanoi, code="09619", name="Xã Đan Phượng")
    response = client.get(reverse("places:unit-list"), {"q": "dan phuong"})
    body = response.content.decode()
    assert "Xã Đan Phượng" in body
    assert "Thành phố Hà Nội" in body


def test_a_merged_commune_page_links_to_its_predecessors_and_back(client: Client) -> None:
    """A current commune names the old communes it was formed from; each old one names the
    new commune and opens on its own day."""
    source = UnitSource.objects.create(name="test", version="1")
    old_province = make_province(code="35", name="Tỉnh Hà Nam", valid_to=LEGACY_VALID_TO)
    district = make_district(province=old_province, code="347", name="Huyện Kim Bảng")
    old_a = make_commune(
        province=old_province, district=district, code="13324", name="Xã Tượng Lĩnh"
    )
    old_b = make_commune(province=old_province, district=district, code="13327", name="Xã Tân Sơn")
    province = make_province(code="37", name="Tỉnh Ninh Bình")
    new = make_commune(province=province, code="13324", name="Xã Kim Bảng")
    for old in (old_a, old_b):
        UnitLineage.objects.create(predecessor=old, successor=new, kind="whole", source=source)

    body = client.get(reverse("places:unit-detail", args=["13324"])).content.decode()
    assert "Xã Kim Bảng" in body
    assert "Xã Tượng Lĩnh" in body
    assert "Xã Tân Sơn" in body
    assert "?valid_on=2025-06-30" in body

    old_page = client.get(reverse("places:unit-detail", args=["13327"])).content.decode()
    assert "Xã Tân Sơn" in old_page
    assert "Huyện Kim Bảng" in old_page  # breadcrumbs through the abolished district
    assert "Xã Kim Bảng" in old_page


def test_unknown_unit_is_a_404_page(client: Client) -> None:
    assert client.get(reverse("places:unit-detail", args=["99999"])).status_code == 404


def test_the_page_is_in_vietnamese_by_default_and_english_on_request(client: Client) -> None:
    """Vietnamese first; English through the language switch."""
    assert "Đơn vị hành chính" in client.get(reverse("places:unit-list")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Administrative units" in client.get(reverse("places:unit-list")).content.decode()


def test_a_units_data_buttons_show_only_inside_the_readers_scope(
    tree: Tree, officer_a: User
) -> None:
    """Anyone browses the tree, but the buttons to a unit's indicators and criteria show
    only where they open (issue 15: on the province page they led a commune officer to
    a 404)."""
    province, a, b = tree.province, tree.a, tree.b

    def buttons(client: Client, unit: AdminUnit) -> set[str]:
        html = client.get(reverse("places:unit-detail", args=[unit.code])).content.decode()
        targets = {
            reverse("indicators:unit", args=[unit.code]),
            reverse("criteria:matrix", args=[unit.code]),
            reverse("criteria:scorecard", args=[unit.code]),
            reverse("criteria:village", args=[unit.code]),
        }
        return {target for target in targets if f'href="{target}"' in html}

    officer = client_for(officer_a)
    assert buttons(officer, province) == set()
    assert buttons(officer, b) == set()
    assert buttons(officer, a) == {
        reverse("indicators:unit", args=[a.code]),
        reverse("criteria:scorecard", args=[a.code]),
    }
    assert buttons(officer, tree.ninh_binh.villages_of(a)[0]) == {
        reverse("indicators:unit", args=[tree.ninh_binh.villages_of(a)[0].code]),
        reverse("criteria:village", args=[tree.ninh_binh.villages_of(a)[0].code]),
    }
    assert buttons(Client(), a) == set()
    province_officer = client_for(make_role_holder(Role.PROVINCE_OFFICER, province, "tinh"))
    assert buttons(province_officer, province) == {
        reverse("indicators:unit", args=[province.code]),
        reverse("criteria:matrix", args=[province.code]),
    }
