"""A household survey reaches the indicators the moment it is applied: at once for a
form that counts on receipt, only on approval for a form that counts approved data
only — and the figure says which definition and when."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from langso.indicators.models import ActivityCount
from langso.indicators.selectors import indicator_values, period_current, period_parse
from langso.indicators.services.activity import activity_counts_rebuild
from langso.indicators.services.aggregates import household_aggregates_rebuild
from langso.indicators.services.definitions import indicator_definitions_load
from langso.places.models import AdminUnit
from langso.places.testing import UnitTree
from langso.registry.models import Household
from langso.registry.testing import make_household
from langso.surveys.entity_declarations import entity_version
from langso.surveys.models import Submission, SurveyForm
from langso.surveys.services.forms import form_settings_set, shipped_forms_publish
from langso.surveys.services.review import submission_review
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import FormUsers, tree, users
from langso.surveys.tests.forms_testing import collector_client, household_instance, submission_post

__all__ = ["tree", "users"]
pytestmark = pytest.mark.django_db

SURVEYED: dict[str, object] = {"members": 5, "adults": 4, "adults_epayment": 3}


def _epayment(village: AdminUnit) -> Decimal | None:
    result = indicator_values(code="adults-epayment", units=[village], period=period_current())
    return result.values[0].value


def test_only_approved_data_counts_where_the_form_says_so(tree: UnitTree, users: FormUsers) -> None:
    indicator_definitions_load()
    shipped_forms_publish(actor=users.central_admin)
    village = tree.villages_of(tree.communes[0])[0]
    digital_team_create(
        actor=users.officer_a, village=village, name="Tổ 1", members=[users.team_member_a]
    )
    household = make_household(village=village, head_name="Lê Văn Cường", members=3, adults=2)
    # `make_household` writes without events: the aggregates catch up as after a load.
    household_aggregates_rebuild()
    assert _epayment(village) is None  # not asked yet: no data, not 0%

    form_settings_set(
        actor=users.central_admin,
        form=SurveyForm.objects.get(),
        is_open=True,
        counts_before_approval=False,
    )
    client = collector_client(users.team_member_a)
    instance = household_instance(
        uuid="a1",
        household=household.address_code,
        base_version=entity_version(household.updated_at),
        values=SURVEYED,
    )
    assert submission_post(client, instance).status_code == 201
    assert _epayment(village) is None
    submission_review(actor=users.officer_a, submission=Submission.objects.get(), state="approved")
    assert _epayment(village) == 75


def test_visits_count_as_activity_by_month_and_an_edit_replaces_its_visit(
    tree: UnitTree, users: FormUsers
) -> None:
    """Each survey of a household is a team visit in the month it was made; one where
    the team helped counts as help too; an edit of the survey replaces its visit, so
    the count does not double. Rolled up to the commune and the province."""
    indicator_definitions_load()
    shipped_forms_publish(actor=users.central_admin)
    commune = tree.communes[0]
    village = tree.villages_of(commune)[0]
    digital_team_create(
        actor=users.officer_a, village=village, name="Tổ 1", members=[users.team_member_a]
    )
    household = make_household(village=village, head_name="Phạm Thị Dung", members=3, adults=2)
    client = collector_client(users.team_member_a)

    def send(uuid: str, **extra: Any) -> None:
        instance = household_instance(
            uuid=uuid,
            household=household.address_code,
            base_version=entity_version(Household.objects.get(pk=household.pk).updated_at),
            values=SURVEYED,
            visit_date="2026-11-20",
            **extra,
        )
        assert submission_post(client, instance).status_code == 201

    send("v1")
    send("v2", help_given=("vneid",))
    send("v3", deprecated="v2", help_given=("vneid",))

    def count(code: str, unit: AdminUnit, period: str) -> Decimal | None:
        [value] = indicator_values(code=code, units=[unit], period=period_parse(period)).values
        return value.value

    assert count("household-visits", village, "2026-11") == 2
    assert count("digital-help-visits", village, "2026-11") == 1
    assert count("household-visits", commune, "2026-Q4") == 2
    assert count("household-visits", tree.province, "2026") == 2
    assert count("household-visits", village, "2026-10") == 0


def test_activity_counts_equal_a_recount_from_the_visits(tree: UnitTree, users: FormUsers) -> None:
    """After visits, help, an edit that replaces a visit and a household surveyed in
    another month, the counts the events kept equal a recount from the visits."""
    shipped_forms_publish(actor=users.central_admin)
    commune = tree.communes[0]
    first, second = tree.villages_of(commune)[:2]
    digital_team_create(
        actor=users.officer_a, village=first, name="Tổ 1", members=[users.team_member_a]
    )
    digital_team_create(
        actor=users.officer_a, village=second, name="Tổ 2", members=[users.team_member_a]
    )
    client = collector_client(users.team_member_a)
    households = [
        make_household(village=village, head_name=f"Hộ {n}", members=3, adults=2)
        for n, village in enumerate((first, first, second))
    ]
    for number, (household, day, help_given) in enumerate(
        (
            (households[0], "2026-10-03", ("vneid",)),
            (households[1], "2026-11-20", ()),
            (households[2], "2026-11-21", ("epayment", "smartphone")),
        )
    ):
        instance = household_instance(
            uuid=f"r{number}",
            household=household.address_code,
            base_version=entity_version(Household.objects.get(pk=household.pk).updated_at),
            values=SURVEYED,
            visit_date=day,
            help_given=help_given,
        )
        assert submission_post(client, instance).status_code == 201
    kept = set(ActivityCount.objects.values_list("unit_id", "kind", "month", "value"))
    assert len(kept) == 5
    with transaction.atomic():
        activity_counts_rebuild()
        assert set(ActivityCount.objects.values_list("unit_id", "kind", "month", "value")) == kept
        transaction.set_rollback(True)
