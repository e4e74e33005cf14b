"""Household pages: list, detail, create, edit, status, QR code, dismissing a flag."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from langso.accounts.selectors import unit_label
from langso.registry.models import Household, HouseholdStatus, LikelyDuplicate
from langso.registry.services.households import household_update
from langso.registry.testing import (
    Points,
    RegistryTree,
    RegistryUsers,
    create_household,
)

pytestmark = pytest.mark.django_db

LIST = reverse("registry:household-list")


def _detail(household: Household, name: str = "household-detail") -> str:
    return reverse(f"registry:{name}", args=[household.address_code])


@pytest.fixture
def lan(tree: RegistryTree, users: RegistryUsers, points: Points) -> Household:
    return create_household(
        actor=users.officer_a,
        village=tree.a1,
        head_name="Trần Thị Lan",
        head_phone="0987654321",
        house_number="7",
        members=4,
        adults=3,
        adults_smartphone=1,
        location=points.inside_a,
    )


def _login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, lan: Household) -> None:
    for url in (LIST, _detail(lan), _detail(lan, "household-qr"), _detail(lan, "household-edit")):
        response = client.get(url)
        assert response.status_code == 302
        assert "dang-nhap" in response["Location"] or "login" in response["Location"]


def test_list_shows_households_in_scope_only(
    client: Client, users: RegistryUsers, tree: RegistryTree, lan: Household
) -> None:
    other = create_household(actor=users.officer_b, village=tree.b1, head_name="Lê Văn Bình")
    page = _login(client, users.officer_a).get(LIST).content.decode()
    assert lan.address_code in page
    assert "Trần Thị Lan" in page
    assert other.address_code not in page
    assert "Lê Văn Bình" not in page


def test_list_filters_and_search(
    client: Client, users: RegistryUsers, tree: RegistryTree, lan: Household
) -> None:
    other = create_household(actor=users.officer_a, village=tree.a2, members=2)
    _login(client, users.officer_a)
    by_unit = client.get(LIST, {"unit": tree.a2.code}).content.decode()
    assert other.address_code in by_unit
    assert lan.address_code not in by_unit
    by_gap = client.get(LIST, {"gap": "smartphone"}).content.decode()
    assert lan.address_code in by_gap
    assert other.address_code not in by_gap
    by_name = client.get(LIST, {"q": "trần thị"}).content.decode()
    assert lan.address_code in by_name
    assert other.address_code not in by_name


def test_a_unit_outside_scope_is_an_error_on_the_form(
    client: Client, users: RegistryUsers, tree: RegistryTree, lan: Household
) -> None:
    response = _login(client, users.officer_a).get(LIST, {"unit": tree.b.code})
    assert response.status_code == 200
    page = response.content.decode()
    assert "trong phạm vi của bạn" in page
    assert lan.address_code not in page


def test_list_pages_by_keyset(
    client: Client, users: RegistryUsers, tree: RegistryTree, lan: Household
) -> None:
    """A “Trang sau” link carries the filters and the last id; never a page number."""
    for _ in range(50):
        create_household(actor=users.officer_a, village=tree.a2)
    _login(client, users.officer_a)
    first = client.get(LIST, {"unit": tree.a.code})
    next_url = first.context["next_url"]
    assert next_url is not None
    assert "unit=" in next_url
    assert "after=" in next_url
    second = client.get(LIST + next_url)
    assert [h.pk for h in second.context["households"]] == [lan.pk]
    assert second.context["next_url"] is None


def test_list_query_budget(
    client: Client,
    users: RegistryUsers,
    tree: RegistryTree,
    lan: Household,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """The list runs the same queries with one household or many, across villages."""
    _login(client, users.province_officer)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST, {"unit": "37"})
    for village in (tree.a1, tree.a2, tree.b1, tree.b2) * 5:
        create_household(actor=users.central_admin, village=village, members=2)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(LIST, {"unit": "37"})
    assert len(response.context["households"]) == 21


def test_detail_shows_groups_freshness_history_and_map(
    client: Client, users: RegistryUsers, lan: Household
) -> None:
    """Each group says when (dd/mm/yyyy HH:MM, local time) and from where it was last
    updated; a group never filled in says so."""
    page = _login(client, users.digital_team_a).get(_detail(lan)).content.decode()
    assert "Sẵn sàng số" in page
    assert lan.readiness_updated_at is not None
    local = timezone.localtime(lan.readiness_updated_at)
    assert f"Cập nhật {local:%d/%m/%Y %H:%M}" in page
    assert "Chưa có số liệu" in page  # connectivity: nothing given yet
    assert "Cán bộ nhập" in page
    assert "Lịch sử thay đổi" in page
    assert 'id="pin-map"' in page
    assert "maplibre-gl" not in page  # the point is an SVG figure, without MapLibre
    assert "0987654321" in page
    # A viewer has no edit link.
    assert _detail(lan, "household-edit") not in page


def test_detail_outside_scope_is_404_like_a_missing_one(
    client: Client, users: RegistryUsers, lan: Household
) -> None:
    _login(client, users.officer_b)
    assert client.get(_detail(lan)).status_code == 404
    assert client.get(reverse("registry:household-detail", args=["KHONG-CO"])).status_code == 404
    assert client.get(_detail(lan, "household-qr")).status_code == 404


def test_detail_query_budget(
    client: Client,
    users: RegistryUsers,
    tree: RegistryTree,
    lan: Household,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """More history and more likely duplicates do not add queries (measured with one of
    each)."""
    create_household(actor=users.officer_a, village=tree.a1, head_name="Trần Thị Lan")
    _login(client, users.officer_a)
    with CaptureQueriesContext(connection) as one:
        client.get(_detail(lan))
    # Read now: the next request resets the connection's query log.
    budget = len(one.captured_queries)
    for members in range(5, 9):
        create_household(
            actor=users.officer_a, village=tree.a1, head_name="Trần Thị Lan", members=members
        )
        household_update(actor=users.officer_a, household=lan, values={"members": members})
    assert LikelyDuplicate.objects.count() >= 5
    with django_assert_num_queries(budget):
        response = client.get(_detail(lan))
    assert len(response.context["duplicates"]) == 5


def test_qr_code_is_a_png(client: Client, users: RegistryUsers, lan: Household) -> None:
    response = _login(client, users.village_head_a1).get(_detail(lan, "household-qr"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


def test_create_page(client: Client, users: RegistryUsers, tree: RegistryTree) -> None:
    _login(client, users.officer_a)
    form = client.get(reverse("registry:household-create"))
    assert form.status_code == 200
    # The village is picked by its name, with its commune and province, never a code.
    assert f'<option value="{unit_label(tree.a1)}">' in form.content.decode()
    assert unit_label(tree.b1) not in form.content.decode()
    response = client.post(
        reverse("registry:household-create"),
        {
            "village": tree.a1.code,
            "head_name": "Đỗ Văn Hải",
            "members": "3",
            "lat": "20.25",
            "lon": "105.95",
        },
    )
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(household)
    assert household.location is not None


def test_create_page_shows_errors_by_field(
    client: Client, users: RegistryUsers, tree: RegistryTree
) -> None:
    _login(client, users.officer_a)
    response = client.post(
        reverse("registry:household-create"),
        {"village": tree.b1.code, "members": "2", "adults": "3", "lat": "20.25"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "lat" in errors
    response = client.post(
        reverse("registry:household-create"),
        {"village": tree.b1.code, "members": "2", "adults": "3"},
    )
    errors = response.context["form"].errors
    assert "village" in errors
    response = client.post(
        reverse("registry:household-create"),
        {"village": tree.a1.code, "members": "2", "adults": "3"},
    )
    assert "adults" in response.context["form"].errors
    assert not Household.objects.exists()


def test_viewers_cannot_open_the_create_or_edit_pages(
    client: Client, users: RegistryUsers, tree: RegistryTree, lan: Household
) -> None:
    _login(client, users.digital_team_a)
    assert client.get(reverse("registry:household-create")).status_code == 403
    refused = client.get(_detail(lan, "household-edit"))
    assert refused.status_code == 403
    # The service's reason names the village; the 403 page says nothing of it.
    assert "quyền quản lý hộ gia đình" not in refused.content.decode()
    assert tree.a1.name not in refused.content.decode()
    _login(client, users.officer_b)
    assert client.get(_detail(lan, "household-edit")).status_code == 404


def test_edit_writes_only_what_changed(
    client: Client, users: RegistryUsers, tree: RegistryTree, lan: Household
) -> None:
    """Only the changed field goes to the service: the readiness group stays as it was."""
    _login(client, users.officer_a)
    page = client.get(_detail(lan, "household-edit"))
    initial = page.context["form"].initial
    data = {k: "" if v is None else v for k, v in initial.items()}
    data["members"] = 5
    before = lan.readiness_updated_at
    response = client.post(_detail(lan, "household-edit"), data)
    assert response.status_code == 302, response.context["form"].errors
    lan.refresh_from_db()
    assert lan.members == 5
    assert lan.readiness_updated_at == before
    assert lan.head_phone == "0987654321"


def test_status_and_dismiss(
    client: Client, users: RegistryUsers, tree: RegistryTree, lan: Household
) -> None:
    twin = create_household(actor=users.officer_a, village=tree.a1, head_name="Trần Thị Lan")
    flag = LikelyDuplicate.objects.get()
    _login(client, users.officer_a)
    page = client.get(_detail(lan)).content.decode()
    assert twin.address_code in page
    assert "Cùng thôn, cùng tên chủ hộ" in page
    response = client.post(
        reverse("registry:duplicate-dismiss", args=[flag.pk]), {"household": lan.address_code}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.dismissed_by == users.officer_a
    response = client.post(
        _detail(twin, "household-status"),
        {"status": HouseholdStatus.MERGED, "merged_into": lan.address_code.lower()},
    )
    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.merged_into_id == lan.pk


def test_dismiss_outside_scope_is_404(
    client: Client, users: RegistryUsers, tree: RegistryTree, lan: Household
) -> None:
    create_household(actor=users.officer_a, village=tree.a1, head_name="Trần Thị Lan")
    flag = LikelyDuplicate.objects.get()
    _login(client, users.officer_b)
    assert client.post(reverse("registry:duplicate-dismiss", args=[flag.pk])).status_code == 404
    _login(client, users.digital_team_a)
    assert client.post(reverse("registry:duplicate-dismiss", args=[flag.pk])).status_code == 403
    flag.refresh_from_db()
    assert flag.dismissed_at is None


def test_the_figure_of_a_household_out_of_scope_is_not_drawn(
    client: Client, users: RegistryUsers, lan: Household
) -> None:
    """Commune B's officer asking for A's household gets the platform's 404, and nothing
    of the figure (outline, pin or the map link's coordinates) reaches them; anonymous
    callers are sent to sign in."""
    response = _login(client, users.officer_b).get(_detail(lan))
    assert response.status_code == 404
    body = response.content.decode()
    assert "pin-map" not in body
    assert "Xem trên bản đồ" not in body
    client.logout()
    anonymous = client.get(_detail(lan))
    assert anonymous.status_code == 302
    assert "pin-map" not in anonymous.content.decode()


def test_the_breadcrumb_links_only_to_lists_the_reader_may_open(
    client: Client, users: RegistryUsers, tree: RegistryTree, lan: Household
) -> None:
    """A village head sees the commune in the breadcrumb as text (its household list is
    outside their scope); the commune's officer gets the link."""
    commune_list = f'href="{LIST}?unit={tree.a.code}"'
    village_list = f'href="{LIST}?unit={tree.a1.code}"'
    head = _login(client, users.village_head_a1).get(_detail(lan)).content.decode()
    assert commune_list not in head
    assert f"<li>{tree.a.name}</li>" in head
    assert village_list in head
    assert (
        _login(client, users.village_head_a1).get(LIST, {"unit": tree.a1.code}).status_code == 200
    )
    officer = _login(client, users.officer_a).get(_detail(lan)).content.decode()
    assert commune_list in officer
    assert village_list in officer
