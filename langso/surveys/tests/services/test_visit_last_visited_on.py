"""A logged visit marks its household visited on that day in the registry (what the
worklist and the household list filter read); an edit of the submission moves it."""

from __future__ import annotations

import datetime as dt

import pytest

from langso.places.testing import UnitTree
from langso.registry.models import Household
from langso.registry.testing import make_household
from langso.surveys.entity_declarations import entity_version
from langso.surveys.services.forms import shipped_forms_publish
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import FormUsers

from ..forms_testing import collector_client, household_instance, submission_post

pytestmark = pytest.mark.django_db


def _last_visit(household: Household) -> dt.date | None:
    return Household.objects.get(pk=household.pk).last_visited_on


def test_a_visit_and_its_edit_set_the_households_last_visit(
    tree: UnitTree, users: FormUsers
) -> None:
    shipped_forms_publish(actor=users.central_admin)
    village = tree.villages_of(tree.communes[0])[0]
    digital_team_create(
        actor=users.officer_a, village=village, name="Tổ thôn 1", members=[users.team_member_a]
    )
    household = make_household(village=village, head_name="Đinh Văn Tâm")
    client = collector_client(users.team_member_a)
    assert _last_visit(household) is None

    def instance(uuid: str, day: str, deprecated: str = "") -> bytes:
        version = entity_version(Household.objects.get(pk=household.pk).updated_at)
        return household_instance(
            uuid=uuid,
            household=household.address_code,
            base_version=version,
            outcome="not_home",
            visit_date=day,
            deprecated=deprecated,
        )

    assert submission_post(client, instance("v1", "2026-11-20")).status_code == 201
    assert _last_visit(household) == dt.date(2026, 11, 20)
    # The collector corrects the day: the edit's visit replaces the first one.
    edit = instance("v2", "2026-11-18", deprecated="v1")
    assert submission_post(client, edit).status_code == 201
    assert _last_visit(household) == dt.date(2026, 11, 18)
