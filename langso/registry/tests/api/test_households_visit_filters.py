"""/api/v1/households?visit=…&visited_before=…: the household list page's visit filters
in the API, for a team's own tools; scope applies as everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from langso.registry.services.households import household_last_visit_set
from langso.registry.testing import RegistryTree, RegistryUsers, create_household

pytestmark = pytest.mark.django_db

URL = "/api/v1/households"


def _codes(client: Client, **params: str) -> set[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return {row["address_code"] for row in response.json()["results"]}


def test_the_api_filters_by_visit_and_last_visit_like_the_page(
    client: Client, tree: RegistryTree, users: RegistryUsers
) -> None:
    """`visit=never` keeps households never visited, `visit=visited` the others;
    `visited_before` keeps those last visited before the day and those never visited."""
    never = create_household(actor=users.officer_a, village=tree.a1)
    june = create_household(actor=users.officer_a, village=tree.a1)
    august = create_household(actor=users.officer_a, village=tree.a2)
    household_last_visit_set(household_id=june.pk, visited_on=dt.date(2026, 6, 3))
    household_last_visit_set(household_id=august.pk, visited_on=dt.date(2026, 8, 20))
    client.force_login(users.officer_a)

    assert _codes(client, visit="never") == {never.address_code}
    assert _codes(client, visit="visited") == {june.address_code, august.address_code}
    assert _codes(client, visited_before="2026-07-01") == {never.address_code, june.address_code}
    assert _codes(client, visited_before="2026-07-01", visit="visited") == {june.address_code}
    assert _codes(client, visit="never", unit=tree.a2.code) == set()


def test_the_visit_filters_stay_within_scope(
    client: Client, tree: RegistryTree, users: RegistryUsers
) -> None:
    """A never-visited household of commune B is not among officer A's households due."""
    mine = create_household(actor=users.officer_a, village=tree.a1)
    create_household(actor=users.officer_b, village=tree.b1)
    client.force_login(users.officer_a)
    assert _codes(client, visit="never") == {mine.address_code}
    assert client.get(URL, {"visit": "never"}).status_code == 200
    client.logout()
    assert client.get(URL, {"visit": "never"}).status_code == 401


@pytest.mark.parametrize(("param", "value"), [("visit", "soon"), ("visited_before", "31/02/2026")])
def test_a_bad_visit_filter_is_named(
    client: Client, users: RegistryUsers, param: str, value: str
) -> None:
    client.force_login(users.officer_a)
    response = client.get(URL, {param: value})
    assert response.status_code == 400
    assert param in str(response.json()["detail"])
