"""The household list's visit filters: "chưa khảo sát", last visit before a day typed
as dd/mm/yyyy, and each row's last visit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from langso.registry.services.households import household_last_visit_set
from langso.registry.testing import RegistryTree, RegistryUsers, create_household

pytestmark = pytest.mark.django_db

LIST = reverse("registry:household-list")


def test_the_list_filters_by_visit_and_shows_the_last_one(
    client: Client, tree: RegistryTree, users: RegistryUsers
) -> None:
    never = create_household(actor=users.officer_a, village=tree.a1, head_name="Lò Văn Mười")
    visited = create_household(actor=users.officer_a, village=tree.a1, head_name="Hà Thị Nga")
    household_last_visit_set(household_id=visited.pk, visited_on=dt.date(2026, 6, 3))
    client.force_login(users.digital_team_a)

    page = client.get(LIST).content.decode()
    assert '<td class="hide-narrow">03/06/2026</td>' in page
    # The row of the never-visited household, not the filter's option of the same name.
    assert '<td class="hide-narrow">Chưa khảo sát</td>' in page

    due = client.get(LIST, {"visit": "never"})
    assert [h.pk for h in due.context["households"]] == [never.pk]

    before = client.get(LIST, {"visited_before": "01/07/2026", "visit": "visited"})
    assert [h.pk for h in before.context["households"]] == [visited.pk]
    later = client.get(LIST, {"visited_before": "01/06/2026", "visit": "visited"})
    assert later.context["households"] == []


def test_a_date_that_is_not_one_is_shown_on_the_form(client: Client, users: RegistryUsers) -> None:
    client.force_login(users.officer_a)
    response = client.get(LIST, {"visited_before": "31/02/2026"})
    assert response.status_code == 200
    assert response.context["form"].errors["visited_before"]
