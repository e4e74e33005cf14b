"""The pages of the seven placed registries: list, detail, create, edit, index."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from langso.accounts.testing import client_for
from langso.core.selectors import audit_history
from langso.registry.models import Cooperative
from langso.registry.services.economy import cooperative_create, product_update
from langso.registry.specs import COOPERATIVE, PRODUCT, VESSEL, WIFI_POINT, RegistrySpec
from langso.registry.testing import (
    ALL_SPECS,
    Points,
    RegistryTree,
    RegistryUsers,
    each_spec,
    good_values,
    make_household,
    make_row,
)

pytestmark = pytest.mark.django_db


def _key(spec: RegistrySpec[Any], row: Any) -> str:
    return str(getattr(row, spec.key))


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@each_spec
def test_each_list_shows_only_rows_in_scope(
    spec: RegistrySpec[Any], tree: RegistryTree, users: RegistryUsers
) -> None:
    """The officer of commune A sees A's rows, not B's."""
    mine = make_row(spec, unit=tree.a1)
    theirs = make_row(spec, unit=tree.b1)
    body = client_for(users.officer_a).get(reverse(f"registry:{spec.name}-list")).content.decode()
    assert _key(spec, mine) in body
    assert _key(spec, theirs) not in body


@each_spec
def test_each_list_costs_the_same_for_one_row_or_many(
    spec: RegistrySpec[Any],
    tree: RegistryTree,
    users: RegistryUsers,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """One row or thirty across villages: the same queries."""
    client = client_for(users.province_officer)
    url = reverse(f"registry:{spec.name}-list")
    make_row(spec, unit=tree.a1)
    one = _count_queries(client, url)
    for unit in (tree.a1, tree.a2, tree.b1, tree.b2, tree.a, tree.b) * 5:
        make_row(spec, unit=unit)
    with django_assert_num_queries(one):
        client.get(url)


def test_search_ignores_diacritics_and_filters_apply(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """ "dong ha" finds HTX Đông Hà; the status filter and the unit filter narrow the
    list."""
    client = client_for(users.province_officer)
    url = reverse("registry:cooperative-list")
    found = cooperative_create(
        actor=users.officer_a, values={"name": "HTX Đông Hà", "unit": tree.a1}
    )
    other = cooperative_create(
        actor=users.officer_b,
        values={"name": "HTX Tây Sơn", "unit": tree.b1, "status": "dissolved"},
    )
    body = client.get(url, {"q": "dong ha"}).content.decode()
    assert found.code in body
    assert other.code not in body
    body = client.get(url, {"status": "dissolved"}).content.decode()
    assert other.code in body
    assert found.code not in body
    body = client.get(url, {"unit": tree.b.code}).content.decode()
    assert other.code in body
    assert found.code not in body


def test_the_list_pages_by_keyset(
    tree: RegistryTree, users: RegistryUsers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Newest first; the next page starts after the last row shown."""
    monkeypatch.setattr("langso.registry.views.placed.PAGE_SIZE", 2)
    rows = [make_row(WIFI_POINT, unit=tree.a1) for _ in range(3)]
    client = client_for(users.officer_a)
    first = client.get(reverse("registry:wifi-point-list"))
    body = first.content.decode()
    assert rows[2].code in body
    assert rows[1].code in body
    assert rows[0].code not in body
    assert first.context["next_url"] == f"?after={rows[1].pk}"
    second = client.get(reverse("registry:wifi-point-list") + first.context["next_url"])
    assert rows[0].code in second.content.decode()
    assert second.context["next_url"] is None


@each_spec
def test_each_detail_page_shows_the_row_its_pin_and_history(
    spec: RegistrySpec[Any], tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    row = make_row(spec, unit=tree.a1, location=points.inside_a)
    response = client_for(users.officer_a).get(
        reverse(f"registry:{spec.name}-detail", args=[_key(spec, row)])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert _key(spec, row) in body
    assert 'id="pin-map"' in body
    # The point is drawn on the server, in the commune's own outline; no MapLibre.
    assert "maplibre-gl" not in body
    figure = response.context["figure"]
    assert figure.pin is not None
    assert figure.outline
    assert not figure.approximate


@each_spec
def test_a_row_outside_scope_is_not_found(
    spec: RegistrySpec[Any], tree: RegistryTree, users: RegistryUsers
) -> None:
    """The officer of B gets 404 for A's row, as for a row that does not exist, on the
    detail and the edit page alike."""
    row = make_row(spec, unit=tree.a1)
    client = client_for(users.officer_b)
    for page in ("detail", "edit"):
        url = reverse(f"registry:{spec.name}-{page}", args=[_key(spec, row)])
        assert client.get(url).status_code == 404
    missing = reverse(f"registry:{spec.name}-detail", args=["37001-KHONG-CO"])
    assert client.get(missing).status_code == 404


def test_detail_costs_the_same_with_a_long_history(
    tree: RegistryTree, users: RegistryUsers, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """A product page with one or many photos and audit entries runs the same queries."""
    client = client_for(users.officer_a)
    household = make_household(village=tree.a1)
    product = make_row(PRODUCT, unit=tree.a1, household=household)
    url = reverse("registry:product-detail", args=[product.code])
    one = _count_queries(client, url)
    for price in range(1, 8):
        product_update(
            actor=users.officer_a,
            product=product,
            changes={"price": price * 1000, "price_unit": "kg"},
        )
    with django_assert_num_queries(one):
        client.get(url)


def test_a_digital_team_member_views_but_may_not_edit(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Viewing is in scope; editing answers 403, and no edit button is shown."""
    row = make_row(WIFI_POINT, unit=tree.a1)
    client = client_for(users.digital_team_a)
    detail = client.get(reverse("registry:wifi-point-detail", args=[row.code]))
    assert detail.status_code == 200
    assert not detail.context["can_manage"]
    assert client.get(reverse("registry:wifi-point-edit", args=[row.code])).status_code == 403
    assert client.get(reverse("registry:wifi-point-create")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(tree: RegistryTree) -> None:
    response = Client().get(reverse("registry:cooperative-list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_creating_a_cooperative_through_the_page(tree: RegistryTree, users: RegistryUsers) -> None:
    """The form's values reach the service: a generated code, the unit by its code, the
    point from lat/lon and a date typed dd/mm/yyyy; the page then shows the new row."""
    client = client_for(users.officer_a)
    url = reverse("registry:cooperative-create")
    form_page = client.get(url, {"unit": tree.a1.code})
    assert form_page.status_code == 200
    assert tree.a1.code in form_page.content.decode()  # suggested and prefilled
    response = client.post(
        url,
        {
            "unit": tree.a1.code,
            "name": "HTX Nông nghiệp Đông Hà",
            "founded_on": "15/03/2019",
            "members": "12",
            "status": "active",
            "lat": "20.25",
            "lon": "105.95",
        },
    )
    cooperative = Cooperative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:cooperative-detail", args=[cooperative.code])
    assert cooperative.code == f"{tree.a.code}-HTX0001"
    assert str(cooperative.founded_on) == "2019-03-15"
    assert cooperative.location is not None
    detail = client.get(response["Location"]).content.decode()
    assert "15/03/2019" in detail
    assert "HTX Nông nghiệp Đông Hà" in detail


def test_service_errors_appear_next_to_their_fields(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """A malformed vessel number, a point outside the commune and a unit outside the
    officer's scope are shown on the form; nothing is written."""
    client = client_for(users.officer_a)
    url = reverse("registry:vessel-create")
    response = client.post(
        url,
        {"registration_number": "NA90123", "unit": tree.a1.code, "lat": "20.25", "lon": "105.5"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "registration_number" in form.errors
    assert "lat" in form.errors
    response = client.post(url, {"registration_number": "NA-90123-TS", "unit": tree.b1.code})
    assert "unit" in response.context["form"].errors
    response = client.post(url, {"registration_number": "NA-90123-TS", "unit": "99999"})
    assert "unit" in response.context["form"].errors
    assert not VESSEL.model._default_manager.exists()


def test_editing_writes_only_what_changed(tree: RegistryTree, users: RegistryUsers) -> None:
    """The edit form is filled from the row; saving sends only the fields changed on the
    page, so the audit entry holds just those."""
    cooperative = cooperative_create(
        actor=users.officer_a, values={"name": "HTX Đông Hà", "unit": tree.a1, "members": 7}
    )
    client = client_for(users.officer_a)
    url = reverse("registry:cooperative-edit", args=[cooperative.code])
    initial = client.get(url).context["form"].initial
    assert initial["unit"] == tree.a1.code
    assert initial["members"] == 7
    data = {k: "" if v is None else v for k, v in initial.items()} | {"members": "8"}
    response = client.post(url, data)
    assert response.status_code == 302
    entry = audit_history(instance=cooperative).first()
    assert entry is not None
    assert entry.changes == {"members": [7, 8]}


def test_the_index_links_every_registry(tree: RegistryTree, users: RegistryUsers) -> None:
    body = client_for(users.officer_a).get(reverse("registry:index")).content.decode()
    for spec in ALL_SPECS:
        assert reverse(f"registry:{spec.name}-list") in body
    assert COOPERATIVE.verbose_name_plural.capitalize() in body


@each_spec
def test_each_registry_is_created_and_edited_through_its_pages(
    spec: RegistrySpec[Any], tree: RegistryTree, users: RegistryUsers
) -> None:
    """Each registry's form takes its values, the new row's page opens, and its edit
    form saves a moved point."""
    client = client_for(users.officer_a)
    data = good_values(spec, unit=tree.a1) | {"unit": tree.a1.code}
    response = client.post(reverse(f"registry:{spec.name}-create"), data)
    assert response.status_code == 302, response.context["form"].errors
    row = spec.model._default_manager.get()
    key = _key(spec, row)
    assert client.get(response["Location"]).status_code == 200
    edit_url = reverse(f"registry:{spec.name}-edit", args=[key])
    initial = client.get(edit_url).context["form"].initial
    data = {k: "" if v is None else v for k, v in initial.items() if v is not False}
    response = client.post(edit_url, data | {"lat": "20.26", "lon": "105.96"})
    assert response.status_code == 302, response.context["form"].errors
    row.refresh_from_db()
    assert row.location is not None
    assert (round(row.location.y, 2), round(row.location.x, 2)) == (20.26, 105.96)
    assert next(e.changes for e in audit_history(instance=row)) == {
        "location": [None, "POINT (105.96 20.26)"]
    }
