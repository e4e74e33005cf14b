"""The worklist page: a team member's households to visit, each with "Khảo sát hộ này"
opening the household survey in the browser on a page that names the household; the
team pages lead to it, and the visit log links each household and submission."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from langso.accounts.roles import Role
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import make_role, make_user
from langso.places.models import AdminUnit
from langso.places.testing import UnitTree
from langso.registry.models import Household
from langso.registry.services.households import household_last_visit_set
from langso.registry.testing import make_household
from langso.surveys.models import DigitalTeam, SurveyForm, Visit
from langso.surveys.services.forms import shipped_forms_publish
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import FormUsers

from ..forms_testing import collector_client, household_instance, submission_post

pytestmark = pytest.mark.django_db

WORKLIST = reverse("surveys:worklist")


@pytest.fixture
def village(tree: UnitTree) -> AdminUnit:
    return tree.villages_of(tree.communes[0])[0]


@pytest.fixture
def team(users: FormUsers, village: AdminUnit) -> DigitalTeam:
    return digital_team_create(
        actor=users.officer_a, village=village, name="Tổ thôn 1", members=[users.team_member_a]
    )


@pytest.fixture
def survey(users: FormUsers) -> SurveyForm:
    (version,) = shipped_forms_publish(actor=users.central_admin)
    return version.form


def test_a_team_member_surveys_an_unvisited_household_from_the_worklist(
    users: FormUsers, village: AdminUnit, team: DigitalTeam, survey: SurveyForm
) -> None:
    """The unvisited household comes first with its survey link; the web form page
    names it; once surveyed it is no longer first, and shows the day of the visit."""
    visited = make_household(village=village, head_name="Vì Thị Xuân")
    household_last_visit_set(household_id=visited.pk, visited_on=dt.date(2026, 5, 2))
    unvisited = make_household(village=village, head_name="Lường Văn Sơn", house_number="12")
    client = client_for(users.team_member_a)

    page = client.get(WORKLIST)
    assert page.status_code == 200
    assert [h.pk for h in page.context["page"].households] == [unvisited.pk, visited.pk]
    fill = reverse("surveys:web-form-fill", args=[survey.pk])
    link = f"{fill}?ho={unvisited.address_code}"
    html = page.content.decode()
    assert f'href="{link}"' in html
    assert "Khảo sát hộ này" in html
    assert "02/05/2026" in html

    form_page = client.get(link).content.decode()
    assert 'id="web-form-household"' in form_page
    assert f"<strong>{unvisited.address_code}</strong>" in form_page
    assert "Lường Văn Sơn" in form_page

    xml = household_instance(
        uuid="w1",
        household=unvisited.address_code,
        base_version="",
        outcome="not_home",
        visit_date="2026-11-21",
    )
    assert submission_post(collector_client(users.team_member_a), xml).status_code == 201
    again = client.get(WORKLIST)
    assert [h.pk for h in again.context["page"].households] == [visited.pk, unvisited.pk]
    assert "21/11/2026" in again.content.decode()


def test_the_form_page_names_no_household_outside_the_collectors_villages(
    tree: UnitTree, users: FormUsers, team: DigitalTeam, survey: SurveyForm
) -> None:
    elsewhere = make_household(village=tree.villages_of(tree.communes[0])[1])
    fill = reverse("surveys:web-form-fill", args=[survey.pk])
    page = client_for(users.team_member_a).get(f"{fill}?ho={elsewhere.address_code}")
    assert page.status_code == 200
    assert 'id="web-form-household"' not in page.content.decode()


def test_a_village_not_theirs_is_not_found_and_non_collectors_are_refused(
    tree: UnitTree, users: FormUsers, team: DigitalTeam
) -> None:
    other = tree.villages_of(tree.communes[1])[0]
    assert client_for(users.team_member_a).get(WORKLIST, {"thon": other.code}).status_code == 404
    manager = make_user(username="htx")
    make_role(user=manager, role=Role.COOPERATIVE_MANAGER, unit=tree.communes[0])
    assert client_for(manager).get(WORKLIST).status_code == 403
    assert Client().get(WORKLIST).status_code == 302


def test_the_team_pages_lead_to_the_worklist_and_the_visit_log_links(
    users: FormUsers, village: AdminUnit, team: DigitalTeam, survey: SurveyForm
) -> None:
    household = make_household(village=village)
    xml = household_instance(uuid="w2", household=household.address_code, outcome="not_home")
    assert submission_post(collector_client(users.team_member_a), xml).status_code == 201
    visit = Visit.objects.get()
    client = client_for(users.team_member_a)
    assert WORKLIST in client.get(reverse("surveys:team-list")).content.decode()
    detail = client.get(reverse("surveys:team-detail", args=[team.pk])).content.decode()
    assert f'href="{WORKLIST}?thon={village.code}"' in detail
    household_url = reverse("registry:household-detail", args=[household.address_code])
    assert f'href="{household_url}"' in detail
    assert f'href="{reverse("surveys:submission-detail", args=[visit.submission_id])}"' in detail
    # The officer who is no member sees the links of the log, not the worklist's.
    officer = client_for(users.officer_a).get(reverse("surveys:team-detail", args=[team.pk]))
    assert f"{WORKLIST}?thon=" not in officer.content.decode()
    assert f'href="{household_url}"' in officer.content.decode()
    assert client_for(users.officer_a).get(household_url).status_code == 200


def test_worklist_page_query_budget(
    users: FormUsers,
    village: AdminUnit,
    team: DigitalTeam,
    survey: SurveyForm,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """The same queries with one household or many, visited or not."""
    make_household(village=village)
    client = client_for(users.team_member_a)
    client.get(WORKLIST)
    with CaptureQueriesContext(connection) as one:
        client.get(WORKLIST)
    budget = len(one.captured_queries)
    for index in range(12):
        household = make_household(village=village)
        if index % 2:
            household_last_visit_set(household_id=household.pk, visited_on=dt.date(2026, 2, index))
    with django_assert_num_queries(budget):
        page = client.get(WORKLIST)
    assert len(page.context["page"].households) == 13
    assert Household.objects.filter(village=village).count() == 13
