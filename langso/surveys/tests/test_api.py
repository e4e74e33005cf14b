"""/api/v1/digital-teams: teams in scope with progress per village, as the team page
shows it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from langso.places.testing import UnitTree, make_village
from langso.registry.models import Household
from langso.registry.testing import make_household
from langso.surveys.entity_declarations import entity_version
from langso.surveys.services.forms import shipped_forms_publish
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import FormUsers

from .forms_testing import collector_client, household_instance, submission_post

pytestmark = pytest.mark.django_db


def test_digital_teams_api_gives_progress_in_scope(
    client: Client, tree: UnitTree, users: FormUsers
) -> None:
    shipped_forms_publish(actor=users.central_admin)
    village, second = tree.villages_of(tree.communes[0])[:2]
    team = digital_team_create(
        actor=users.officer_a,
        village=village,
        name="Tổ thôn 1",
        members=[users.team_member_a],
        villages=[second],
    )
    visited = make_household(village=village, members=2, adults=2)
    make_household(village=village)
    make_household(village=second)
    xml = household_instance(
        uuid="api1",
        household=visited.address_code,
        base_version=entity_version(Household.objects.get(pk=visited.pk).updated_at),
        values={"members": 3, "adults": 2},
        visit_date="2026-11-21",
    )
    assert submission_post(collector_client(users.team_member_a), xml).status_code == 201

    client.force_login(users.officer_a)
    (row,) = client.get("/api/v1/digital-teams").json()
    assert (row["id"], row["members"], row["households"], row["visited"]) == (team.pk, 1, 3, 1)
    assert row["percent"] == 33.3
    assert row["last_visit"] == "2026-11-21"
    by_code = {v["code"]: v for v in row["villages"]}
    assert (by_code[village.code]["visited"], by_code[village.code]["households"]) == (1, 2)
    assert by_code[second.code]["visited"] == 0
    assert client.get("/api/v1/digital-teams", {"since": "2026-11-22"}).json()[0]["visited"] == 0

    client.force_login(users.officer_b)
    assert client.get("/api/v1/digital-teams").json() == []


def test_digital_teams_api_costs_the_same_queries_for_twice_the_teams(
    client: Client,
    tree: UnitTree,
    users: FormUsers,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """Two teams or four, each with its village and households: the same queries."""
    commune = tree.communes[0]

    def add_teams(numbers: range) -> None:
        for n in numbers:
            village = make_village(commune=commune, code=f"{commune.code}-{n}", name=f"Thôn {n}")
            make_household(village=village)
            make_household(village=village)
            digital_team_create(
                actor=users.officer_a,
                village=village,
                name=f"Tổ thôn {n}",
                members=[users.team_member_a],
            )

    add_teams(range(10, 12))
    client.force_login(users.officer_a)
    with CaptureQueriesContext(connection) as two:
        assert len(client.get("/api/v1/digital-teams").json()) == 2
    add_teams(range(12, 14))
    with django_assert_num_queries(len(two)):
        assert len(client.get("/api/v1/digital-teams").json()) == 4
