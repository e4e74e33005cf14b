"""Generated conformance of the Form Submission API: for every form the suite publishes
(`suite_form_files`: the shipped form and every fixture form), a submission built from
its own primary instance goes through the whole life of an instance on the server —
201 when first received, 202 when sent again, 409 for another body under the same
instanceID, 201 for an edit (meta/deprecatedID) and 202 when the edit is sent again.
A form that carries a public key (ODK's encryption) gets what ODK Collect sends for it:
the submission manifest and the encrypted files.
A form the publishing rules refuse is not published and is skipped, saying so: the
fixture tests hold which forms are refused and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from langso.places.testing import UnitTree
from langso.registry.models import Household
from langso.registry.testing import make_household
from langso.surveys.entity_declarations import entity_version
from langso.surveys.models import FormVersion, RefusedSubmission, Submission
from langso.surveys.services.forms import form_publish, shipped_forms_publish
from langso.surveys.testing import FormUsers
from langso.surveys.xlsforms import XLSFormRejected

from ..encryption_testing import encrypt_like_collect
from ..forms_testing import (
    collector_client,
    household_instance,
    instance_submission,
    submission_edit,
    submission_other_body,
    submission_post,
    suite_form_files,
    with_instance_id,
)

pytestmark = pytest.mark.django_db

FORMS = suite_form_files()


def _form_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _as_sent(
    version: FormVersion, xml: bytes, instance_id: str
) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The XML part and the files a phone sends for this instance: as it is, or, for a
    version with a public key, encrypted as ODK Collect encrypts it (a new key each time,
    so the same instance sent again must be the very same bytes: see `_post`)."""
    if version.encryption_key is None:
        return xml, []
    return encrypt_like_collect(
        public_key=version.encryption_key.public_key,
        form_id=version.form.xml_form_id,
        version=version.version,
        instance_id=instance_id,
        xml=xml,
    )


def test_the_forms_the_suite_publishes_are_there() -> None:
    """The shipped form and the fixtures: a missing folder would check nothing."""
    assert FORMS[0].name == "khao_sat_san_sang_so_ho.xlsx"
    assert len(FORMS) >= 140


@pytest.mark.parametrize("path", FORMS, ids=_form_id)
def test_a_submission_of_the_primary_instance_lives_its_whole_life(
    path: Path, users: FormUsers
) -> None:
    try:
        version = form_publish(
            actor=users.central_admin, name=path.name, data=path.read_bytes(), unit=None
        )
    except XLSFormRejected as refused:
        pytest.skip(f"not published: {refused.reasons[0][:120]}")
    client = collector_client(users.team_member_a)
    xml, instance_id = instance_submission(version.xform)
    if not instance_id:
        # What Enketo and ODK Web Forms do for a form that declares no instanceID.
        xml, instance_id = with_instance_id(xml)

    sent = _as_sent(version, xml, instance_id)
    first = submission_post(client, sent[0], *sent[1])
    assert first.status_code == 201, first.content
    again = submission_post(client, sent[0], *sent[1])
    assert again.status_code == 202, again.content
    other = _as_sent(version, submission_other_body(xml), instance_id)
    conflict = submission_post(client, other[0], *other[1])
    assert conflict.status_code == 409, conflict.content
    assert Submission.objects.get().instance_id == instance_id

    edit_xml, edit_id = submission_edit(xml)
    edit = _as_sent(version, edit_xml, edit_id)
    edited = submission_post(client, edit[0], *edit[1])
    assert edited.status_code == 201, edited.content
    replayed = submission_post(client, edit[0], *edit[1])
    assert replayed.status_code == 202, replayed.content
    assert sorted(Submission.objects.values_list("instance_id", flat=True)) == sorted(
        [instance_id, edit_id]
    )
    assert RefusedSubmission.objects.count() == 1  # the 409


def test_a_household_survey_of_the_shipped_form_lives_its_whole_life(
    tree: UnitTree, users: FormUsers
) -> None:
    """The shipped form filled as ODK Collect fills it, updating a household of the
    collector's list: the same life, and the household holds what the edit says."""
    shipped_forms_publish(actor=users.central_admin)
    household = make_household(village=tree.villages_of(tree.communes[0])[0], members=3)
    seen = entity_version(household.updated_at)
    client = collector_client(users.team_member_a)

    def survey(uuid: str, members: int, deprecated: str = "") -> bytes:
        return household_instance(
            uuid=uuid,
            household=household.address_code,
            base_version=seen,
            values={"members": members, "adults": 2},
            deprecated=deprecated,
        )

    assert submission_post(client, survey("h1", 4)).status_code == 201
    assert submission_post(client, survey("h1", 4)).status_code == 202
    assert submission_post(client, survey("h1", 6)).status_code == 409
    assert Household.objects.get(pk=household.pk).members == 4
    edit = survey("h2", 5, deprecated="h1")
    assert submission_post(client, edit).status_code == 201
    assert submission_post(client, edit).status_code == 202
    assert Household.objects.get(pk=household.pk).members == 5
