"""Pages of submissions, their review and conflicts, and of digital teams with their
progress: within scope only, a fixed number of queries, conflicts settled by radio
buttons."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import UnitTree
from langso.registry.models import Household
from langso.registry.services.households import household_update
from langso.registry.testing import make_household
from langso.surveys.entity_declarations import entity_version
from langso.surveys.models import DigitalTeam, EntityState, Submission
from langso.surveys.services.forms import shipped_forms_publish
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import FormUsers

from ..forms_testing import collector_client, household_instance, submission_post

pytestmark = pytest.mark.django_db

VALUES = {"members": 5, "adults": 4, "adults_smartphone": 3, "broadband": "fibre"}


@pytest.fixture
def team(tree: UnitTree, users: FormUsers) -> DigitalTeam:
    shipped_forms_publish(actor=users.central_admin)
    return digital_team_create(
        actor=users.officer_a,
        village=tree.villages_of(tree.communes[0])[0],
        name="Tổ thôn 1",
        members=[users.team_member_a],
    )


def _household(team: DigitalTeam, **fields: object) -> Household:
    return make_household(village=team.village, members=3, adults=2, **fields)


def _submit(team: DigitalTeam, users: FormUsers, household: Household, uuid: str) -> None:
    version = entity_version(Household.objects.get(pk=household.pk).updated_at)
    xml = household_instance(
        uuid=uuid, household=household.address_code, base_version=version, values=VALUES
    )
    assert submission_post(collector_client(users.team_member_a), xml).status_code == 201


def test_lists_show_only_submissions_and_teams_in_scope(
    client: Client, team: DigitalTeam, users: FormUsers
) -> None:
    _submit(team, users, _household(team), "s1")
    submission = Submission.objects.get()
    detail = reverse("surveys:submission-detail", args=[submission.pk])
    client.force_login(users.officer_b)
    assert detail not in client.get(reverse("surveys:submission-list")).content.decode()
    assert "Tổ thôn 1" not in client.get(reverse("surveys:team-list")).content.decode()
    assert client.get(reverse("surveys:submission-detail", args=[submission.pk])).status_code == 404
    assert client.get(reverse("surveys:team-detail", args=[team.pk])).status_code == 404
    client.force_login(users.officer_a)
    assert detail in client.get(reverse("surveys:submission-list")).content.decode()


def test_submission_list_query_budget(
    client: Client,
    team: DigitalTeam,
    users: FormUsers,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """One submission or many, across households: the same queries."""
    _submit(team, users, _household(team), "q0")
    client.force_login(users.officer_a)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("surveys:submission-list"))
    # Read now: the next request resets the connection's query log.
    budget = len(one.captured_queries)
    for index in range(1, 8):
        _submit(team, users, _household(team), f"q{index}")
    with django_assert_num_queries(budget):
        response = client.get(reverse("surveys:submission-list"))
    assert len(response.context["page"].rows) == 8


def test_team_list_query_budget(
    client: Client,
    tree: UnitTree,
    team: DigitalTeam,
    users: FormUsers,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """Progress of one team or several, with visits: the same queries."""
    _submit(team, users, _household(team), "t0")
    client.force_login(users.province_officer)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("surveys:team-list"))
    budget = len(one.captured_queries)
    for village in tree.villages_of(tree.communes[0])[1:]:
        digital_team_create(actor=users.officer_a, village=village, name=f"Tổ {village.name}")
    _submit(team, users, _household(team), "t1")
    with django_assert_num_queries(budget):
        response = client.get(reverse("surveys:team-list"))
    assert len(response.context["progress"]) == len(tree.villages_of(tree.communes[0]))


def test_a_reviewer_settles_a_conflict_on_the_page(
    client: Client, team: DigitalTeam, users: FormUsers
) -> None:
    """The page shows both values of each field as radio buttons; posting the choice
    writes it and the page then says the conflict is settled."""
    household = _household(team)
    seen = entity_version(household.updated_at)
    household_update(actor=users.officer_a, household=household, values={"members": 6})
    xml = household_instance(
        uuid="k1", household=household.address_code, base_version=seen, values=VALUES
    )
    submission_post(collector_client(users.team_member_a), xml)
    submission = Submission.objects.get()
    client.force_login(users.officer_a)
    url = reverse("surveys:submission-detail", args=[submission.pk])
    page = client.get(url).content.decode()
    assert 'id="conflict-form"' in page
    assert 'name="choice_members" value="household"' in page
    seen_version = client.get(url).context["seen_version"]
    choices = {f"choice_{field}": "submission" for field in VALUES} | {
        "choice_members": "household"
    }
    response = client.post(
        reverse("surveys:submission-resolve", args=[submission.pk]),
        {"seen_version": seen_version, **choices},
        follow=True,
    )
    assert "Đã xử lý xung đột" in response.content.decode()
    household.refresh_from_db()
    assert (household.members, household.adults) == (6, 4)
    submission.refresh_from_db()
    assert submission.entity_state == EntityState.RESOLVED


def test_review_posts_a_state_and_a_comment(
    client: Client, team: DigitalTeam, users: FormUsers
) -> None:
    _submit(team, users, _household(team), "r1")
    submission = Submission.objects.get()
    client.force_login(users.officer_a)
    response = client.post(
        reverse("surveys:submission-review", args=[submission.pk]),
        {"state": "approved", "comment": "Số liệu khớp."},
        follow=True,
    )
    page = response.content.decode()
    assert "Số liệu khớp." in page
    submission.refresh_from_db()
    assert submission.state == Submission.State.APPROVED
    # The team member sees the page but no review form, and a post is refused.
    client.force_login(users.team_member_a)
    assert (
        'id="review-form"'
        not in client.get(
            reverse("surveys:submission-detail", args=[submission.pk])
        ).content.decode()
    )
    refused = client.post(
        reverse("surveys:submission-review", args=[submission.pk]), {"state": "rejected"}
    )
    assert refused.status_code == 403


def test_team_pages_create_and_show_progress(
    client: Client, tree: UnitTree, users: FormUsers
) -> None:
    """The commune officer creates a team with a member who holds the team role in the
    commune; someone holding it in another commune is not offered, and is refused."""
    shipped_forms_publish(actor=users.central_admin)
    village = tree.villages_of(tree.communes[0])[0]
    stranger = make_user(username="nguoi.la")
    make_role(user=stranger, role=Role.DIGITAL_TEAM_MEMBER, unit=tree.communes[1])
    client.force_login(users.officer_a)
    response = client.post(
        reverse("surveys:team-create"),
        {"village": village.pk, "name": "Tổ 1", "members": [stranger.pk]},
    )
    assert response.status_code == 200
    assert "members" in response.context["form"].errors
    assert not DigitalTeam.objects.exists()
    created = client.post(
        reverse("surveys:team-create"),
        {"village": village.pk, "name": "Tổ 1", "members": [users.team_member_a.pk]},
    )
    team = DigitalTeam.objects.get()
    assert created.status_code == 302
    household = _household(team)
    _submit(team, users, household, "p1")
    page = client.get(reverse("surveys:team-detail", args=[team.pk])).content.decode()
    assert "1 / 1" in page
    assert household.address_code in page


def test_a_team_member_posting_a_conflict_choice_is_refused(
    client: Client, team: DigitalTeam, users: FormUsers
) -> None:
    """A team member sees the conflict but may not settle it: the post is 403 and the
    household keeps its value."""
    household = _household(team)
    seen = entity_version(household.updated_at)
    household_update(actor=users.officer_a, household=household, values={"members": 6})
    xml = household_instance(
        uuid="k2", household=household.address_code, base_version=seen, values=VALUES
    )
    submission_post(collector_client(users.team_member_a), xml)
    submission = Submission.objects.get()
    client.force_login(users.team_member_a)
    url = reverse("surveys:submission-detail", args=[submission.pk])
    seen_version = client.get(url).context["seen_version"]
    response = client.post(
        reverse("surveys:submission-resolve", args=[submission.pk]),
        {"seen_version": seen_version, **{f"choice_{field}": "submission" for field in VALUES}},
    )
    assert response.status_code == 403
    household.refresh_from_db()
    assert household.members == 6
    submission.refresh_from_db()
    assert submission.entity_state == EntityState.CONFLICT
