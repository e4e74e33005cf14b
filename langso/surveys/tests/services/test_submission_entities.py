"""Submissions of the shipped household survey reach households: in the receiving
transaction when the collector saw the household as it is; as a conflict a reviewer
settles field by field when it changed since; never outside the collector's villages;
and each logs a visit for the team's progress."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from django.test import Client

from langso.places.models import AdminUnit
from langso.places.testing import UnitTree
from langso.registry.models import AddressCodeKind, Household, Source
from langso.registry.services.households import household_update
from langso.registry.testing import make_household
from langso.surveys.entity_declarations import entity_version
from langso.surveys.models import (
    EntityState,
    FormVersion,
    RefusedSubmission,
    Submission,
    SurveyForm,
    Visit,
)
from langso.surveys.selectors import dataset_csv, submission_differences, team_progress
from langso.surveys.services.entities import ConflictChoiceInvalid, submission_conflict_resolve
from langso.surveys.services.forms import form_settings_set, shipped_forms_publish
from langso.surveys.services.review import ReviewInvalid, submission_review
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import FormUsers

from ..forms_testing import collector_client, household_instance, submission_post

pytestmark = pytest.mark.django_db

READINESS = {
    "members": 5,
    "adults": 4,
    "adults_smartphone": 3,
    "adults_epayment": 2,
    "adults_vneid": 2,
    "adults_public_service": 1,
    "broadband": "fibre",
    "mobile_coverage": "4g",
    "has_tv": "yes",
    "has_radio": "no",
}


@dataclass
class Field:
    form: FormVersion
    village: AdminUnit
    other_village: AdminUnit
    household: Household
    outside: Household
    client: Client


@pytest.fixture
def field(tree: UnitTree, users: FormUsers) -> Field:
    (form,) = shipped_forms_publish(actor=users.central_admin)
    commune_a = tree.communes[0]
    village, other_village = tree.villages_of(commune_a)[:2]
    digital_team_create(
        actor=users.officer_a,
        village=village,
        name="Tổ công nghệ số thôn 1",
        members=[users.team_member_a],
    )
    household = make_household(village=village, head_name="Nguyễn Văn An", members=3, adults=2)
    outside = make_household(village=other_village, head_name="Trần Thị Bình")
    return Field(
        form=form,
        village=village,
        other_village=other_village,
        household=household,
        outside=outside,
        client=collector_client(users.team_member_a),
    )


def _version(household: Household) -> int:
    return entity_version(Household.objects.get(pk=household.pk).updated_at)


def _update(
    field: Field,
    uuid: str,
    *,
    base_version: int | None = None,
    values: dict[str, object] | None = None,
    **kwargs: object,
) -> bytes:
    """An update of the field's household, by default seen as it is now."""
    return household_instance(
        uuid=uuid,
        household=field.household.address_code,
        base_version=_version(field.household) if base_version is None else base_version,
        values=READINESS if values is None else values,
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_shipped_form_maps_every_readiness_field(field: Field) -> None:
    """The shipped survey saves to every count, connectivity and device field of a
    household, with Vietnamese and English labels."""
    from langso.surveys.xlsforms import xform_info

    info = xform_info(field.form.xform)
    assert info.entity_datasets == ("households",)
    assert set(READINESS) <= set(info.saves_to.values())
    assert "Số nhân khẩu của hộ" in field.form.xform
    assert "Number of household members" in field.form.xform


def test_a_submission_updates_its_household_and_logs_a_visit(
    field: Field, users: FormUsers
) -> None:
    """A submission made on the household as it is now reaches it in the same request,
    marked as coming from a survey, and logs the team's visit with the help given."""
    response = submission_post(
        field.client, _update(field, "a1", help_given=("vneid", "chat_group", "unknown"))
    )
    assert response.status_code == 201
    household = Household.objects.get(pk=field.household.pk)
    assert (household.members, household.adults, household.adults_smartphone) == (5, 4, 3)
    assert (household.broadband, household.has_tv, household.has_radio) == ("fibre", True, False)
    assert household.readiness_source == Source.SURVEY
    submission = Submission.objects.get()
    assert submission.entity_state == EntityState.APPLIED
    assert submission.entity_before["members"] == 3
    visit = Visit.objects.get()
    assert (visit.household_id, visit.team.village_id) == (household.pk, field.village.pk)  # type: ignore[union-attr]
    assert visit.help_given == ["chat_group", "vneid"]
    assert visit.visited_on.isoformat() == "2026-11-20"
    (progress,) = team_progress(teams=[visit.team])  # type: ignore[list-item]
    assert (progress.visited, progress.households) == (1, 1)


def test_a_replayed_submission_answers_202_and_changes_nothing(field: Field) -> None:
    """ODK Collect resends when it missed the answer: the second POST is recognised and
    the household, the visit log and the submissions stay as they were."""
    xml = _update(field, "a2")
    assert submission_post(field.client, xml).status_code == 201
    stamp = Household.objects.get(pk=field.household.pk).updated_at
    again = submission_post(field.client, xml)
    assert again.status_code == 202
    assert Household.objects.get(pk=field.household.pk).updated_at == stamp
    assert (Submission.objects.count(), Visit.objects.count()) == (1, 1)


def test_a_submission_on_an_older_state_is_a_conflict_the_reviewer_settles(
    field: Field, users: FormUsers
) -> None:
    """An officer edited the household after the team downloaded its list: the
    submission is kept, the household untouched, and the reviewer sees both values of
    each field and chooses; only the chosen values reach the household."""
    seen = _version(field.household)
    household_update(actor=users.officer_a, household=field.household, values={"members": 6})
    response = submission_post(field.client, _update(field, "c1", base_version=seen))
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert submission.entity_state == EntityState.CONFLICT
    assert submission.state == Submission.State.HAS_ISSUES
    assert Household.objects.get(pk=field.household.pk).members == 6

    differences, version = submission_differences(submission=submission)
    by_field = {d.field: d for d in differences}
    assert (by_field["members"].household_value, by_field["members"].submitted_value) == (6, 5)
    assert by_field["members"].label == "số nhân khẩu"

    with pytest.raises(ReviewInvalid):
        submission_review(actor=users.officer_a, submission=submission, state="approved")
    choices = {d.field: "submission" for d in differences} | {"members": "household"}
    with pytest.raises(ConflictChoiceInvalid):
        submission_conflict_resolve(
            actor=users.officer_a,
            submission=submission,
            choices={"members": "household"},
            seen_version=version,  # type: ignore[arg-type]
        )
    submission_conflict_resolve(
        actor=users.officer_a,
        submission=submission,
        choices=choices,
        seen_version=version,  # type: ignore[arg-type]
    )
    household = Household.objects.get(pk=field.household.pk)
    assert (household.members, household.adults, household.broadband) == (6, 4, "fibre")
    submission.refresh_from_db()
    assert submission.entity_state == EntityState.RESOLVED
    assert submission.resolution["members"] == "household"
    assert submission.resolved_by == users.officer_a
    submission_review(actor=users.officer_a, submission=submission, state="approved")


def test_a_resolution_on_a_household_changed_again_is_refused(
    field: Field, users: FormUsers
) -> None:
    """The reviewer's choice is made on what they saw: if the household changed while
    they compared, they must look again."""
    seen = _version(field.household)
    household_update(actor=users.officer_a, household=field.household, values={"members": 6})
    submission_post(field.client, _update(field, "c2", base_version=seen))
    submission = Submission.objects.get()
    differences, version = submission_differences(submission=submission)
    household_update(actor=users.officer_a, household=field.household, values={"members": 7})
    with pytest.raises(ConflictChoiceInvalid, match="vừa được sửa"):
        submission_conflict_resolve(
            actor=users.officer_a,
            submission=submission,
            choices={d.field: "submission" for d in differences},
            seen_version=version,  # type: ignore[arg-type]
        )
    assert Household.objects.get(pk=field.household.pk).members == 7


def test_a_team_member_cannot_settle_a_conflict(field: Field, users: FormUsers) -> None:
    """Settling a conflict overwrites the household, so it is a reviewer's, like approving:
    the service itself refuses a team member who calls it, and the household and the
    conflict stay as they were."""
    from langso.core.errors import AccessDenied

    seen = _version(field.household)
    household_update(actor=users.officer_a, household=field.household, values={"members": 6})
    submission_post(field.client, _update(field, "c3", base_version=seen))
    submission = Submission.objects.get()
    differences, version = submission_differences(submission=submission)
    with pytest.raises(AccessDenied):
        submission_conflict_resolve(
            actor=users.team_member_a,
            submission=submission,
            choices={d.field: "submission" for d in differences},
            seen_version=version,  # type: ignore[arg-type]
        )
    assert Household.objects.get(pk=field.household.pk).members == 6
    submission.refresh_from_db()
    assert (submission.entity_state, submission.resolved_by) == (EntityState.CONFLICT, None)


def test_a_household_found_in_the_field_gets_a_provisional_code(field: Field) -> None:
    """A household not on the list is added to the village the team chose, with a
    provisional address code an officer confirms later."""
    xml = household_instance(
        uuid="n1",
        values=READINESS,
        new_household={
            "village": field.village.code,
            "head_name": "Lê Văn Cường",
            "house_number": "12",
        },
    )
    assert submission_post(field.client, xml).status_code == 201
    created = Household.objects.get(head_name="Lê Văn Cường")
    assert created.address_code_kind == AddressCodeKind.PROVISIONAL
    assert (created.village_id, created.members, created.house_number) == (
        field.village.pk,
        5,
        "12",
    )
    assert Submission.objects.get().household == created
    assert Visit.objects.get().household == created


def test_households_outside_the_collectors_villages_are_refused(field: Field) -> None:
    """The team is assigned its own village only: a household of the next village, or a
    new one placed there, is refused with 403 and nothing is written."""
    stamp = Household.objects.get(pk=field.outside.pk).updated_at
    xml = household_instance(
        uuid="o1",
        household=field.outside.address_code,
        base_version=_version(field.outside),
        values=READINESS,
    )
    response = submission_post(field.client, xml)
    assert response.status_code == 403
    assert field.outside.address_code in response.content.decode()
    new = household_instance(
        uuid="o2",
        values=READINESS,
        new_household={"village": field.other_village.code, "head_name": "Phạm Văn Dũng"},
    )
    assert submission_post(field.client, new).status_code == 403
    assert Household.objects.get(pk=field.outside.pk).updated_at == stamp
    assert not Submission.objects.exists()
    assert not Visit.objects.exists()
    assert not Household.objects.filter(head_name="Phạm Văn Dũng").exists()
    assert RefusedSubmission.objects.count() == 2


def test_values_the_registry_refuses_leave_the_household_and_flag_the_submission(
    field: Field,
) -> None:
    """More adults with a smartphone than adults: the submission is kept with issues
    that name the field, and the household is untouched."""
    values = READINESS | {"adults_smartphone": 9}
    assert submission_post(field.client, _update(field, "v1", values=values)).status_code == 201
    submission = Submission.objects.get()
    assert submission.entity_state == EntityState.INVALID
    assert submission.state == Submission.State.HAS_ISSUES
    assert "điện thoại thông minh" in submission.entity_message
    assert Household.objects.get(pk=field.household.pk).members == 3


def test_a_form_counting_only_approved_data_waits_for_the_reviewer(
    field: Field, users: FormUsers
) -> None:
    """Nothing reaches the household until a reviewer approves; approving applies it."""
    form = SurveyForm.objects.get()
    form_settings_set(
        actor=users.central_admin, form=form, is_open=True, counts_before_approval=False
    )
    submission_post(field.client, _update(field, "p1"))
    submission = Submission.objects.get()
    assert submission.entity_state == EntityState.PENDING
    assert Household.objects.get(pk=field.household.pk).members == 3
    submission_review(
        actor=users.officer_a, submission=submission, state="approved", comment="Đã gọi lại hộ."
    )
    submission.refresh_from_db()
    assert submission.entity_state == EntityState.APPLIED
    assert Household.objects.get(pk=field.household.pk).members == 5
    assert [c.text for c in submission.comments.all()] == ["Đã gọi lại hộ."]


def test_an_edit_replaces_its_predecessor_without_a_conflict(field: Field) -> None:
    """Editing a sent submission in ODK Collect (deprecatedID) applies the edit over the
    values the first one wrote, and its visit replaces the first visit."""
    submission_post(field.client, _update(field, "e1"))
    seen_before_first = Submission.objects.get().base_version
    edit = _update(
        field,
        "e2",
        base_version=seen_before_first,  # Collect keeps the version the form was filled on
        values=READINESS | {"members": 6},
        deprecated="e1",
    )
    assert submission_post(field.client, edit).status_code == 201
    assert Household.objects.get(pk=field.household.pk).members == 6
    assert Visit.objects.get().submission.instance_id == "uuid:e2"  # type: ignore[union-attr]


def test_rejecting_undoes_what_the_submission_wrote(field: Field, users: FormUsers) -> None:
    """A rejected submission's values are taken back while nothing else changed the
    household since."""
    submission_post(field.client, _update(field, "r1"))
    submission = Submission.objects.get()
    submission_review(actor=users.officer_a, submission=submission, state="rejected")
    household = Household.objects.get(pk=field.household.pk)
    assert (household.members, household.adults_smartphone) == (3, None)
    submission.refresh_from_db()
    assert submission.entity_state == EntityState.DISCARDED


def test_only_reviewers_of_the_households_commune_review(field: Field, users: FormUsers) -> None:
    """The other commune's officer and the team member may not review."""
    from langso.core.errors import AccessDenied

    submission_post(field.client, _update(field, "x1"))
    submission = Submission.objects.get()
    for outsider in (users.officer_b, users.team_member_a):
        with pytest.raises(AccessDenied):
            submission_review(actor=outsider, submission=submission, state="approved")


def test_the_household_list_holds_only_the_teams_villages(field: Field, users: FormUsers) -> None:
    """A team member's households.csv holds the villages assigned to their team, not the
    whole commune their role covers; the officer's holds the commune."""
    rows = list(
        csv.DictReader(
            io.StringIO(
                dataset_csv(
                    user=users.team_member_a, version=field.form, dataset="households"
                ).decode()
            )
        )
    )
    assert [r["name"] for r in rows] == [field.household.address_code]
    assert int(rows[0]["__version"]) == _version(field.household)
    officer_rows = dataset_csv(user=users.officer_a, version=field.form, dataset="households")
    assert field.outside.address_code in officer_rows.decode()
    villages = dataset_csv(user=users.team_member_a, version=field.form, dataset="villages")
    assert villages.decode().splitlines()[1:] == [f"{field.village.code},{field.village.name}"]
