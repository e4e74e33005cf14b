"""form_publish and the media of a form: versions, scope, and nothing stored on refusal."""

from __future__ import annotations

import pytest

from langso.core.errors import AccessDenied, DomainError
from langso.core.models import AuditEntry
from langso.places.testing import UnitTree
from langso.surveys.models import FormAttachment, FormVersion, SurveyForm
from langso.surveys.services.forms import (
    form_attachment_upload,
    form_publish,
    form_settings_set,
)
from langso.surveys.testing import FormUsers
from langso.surveys.xlsforms import XLSFormRejected

from ..forms_testing import markdown_form

pytestmark = pytest.mark.django_db


def test_publishing_stores_the_form_its_version_and_the_files_it_needs(
    tree: UnitTree, users: FormUsers
) -> None:
    commune = tree.communes[0]
    version = form_publish(
        actor=users.officer_a, name="khao-sat.md", data=markdown_form(), unit=commune
    )
    form = version.form
    assert (form.xml_form_id, form.unit, form.is_open) == ("khao_sat_thu", commune, True)
    assert version.version == "1"
    assert version.xform_hash.startswith("md5:")
    assert version.xlsform.read() == markdown_form()
    assert version.warnings  # pyxform's warning about the English image column
    (attachment,) = version.attachments.all()
    assert (attachment.name, attachment.kind, attachment.is_ready) == ("nha.png", "images", False)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).count() == 2


def test_a_new_version_carries_the_uploaded_media_over(tree: UnitTree, users: FormUsers) -> None:
    commune = tree.communes[0]
    first = form_publish(actor=users.officer_a, name="f.md", data=markdown_form(), unit=commune)
    image = first.attachments.get()
    form_attachment_upload(actor=users.officer_a, attachment=image, name="nha.png", data=b"PNG1")
    second = form_publish(
        actor=users.officer_a, name="f.md", data=markdown_form(version="2"), unit=commune
    )
    assert SurveyForm.objects.count() == 1
    carried = second.attachments.get()
    assert carried.is_ready
    assert carried.file_hash == FormAttachment.objects.get(pk=image.pk).file_hash


def test_a_version_already_published_is_refused_and_nothing_is_stored(
    tree: UnitTree, users: FormUsers
) -> None:
    commune = tree.communes[0]
    form_publish(actor=users.officer_a, name="f.md", data=markdown_form(), unit=commune)
    with pytest.raises(XLSFormRejected) as refused:
        form_publish(actor=users.officer_a, name="f.md", data=markdown_form(), unit=commune)
    assert "version" in refused.value.reasons[0]
    assert FormVersion.objects.count() == 1
    assert FormAttachment.objects.count() == 1


def test_a_refused_file_stores_nothing(tree: UnitTree, users: FormUsers) -> None:
    with pytest.raises(XLSFormRejected):
        form_publish(
            actor=users.officer_a, name="x.md", data=b"| survey |\n", unit=tree.communes[0]
        )
    assert not SurveyForm.objects.exists()
    assert not AuditEntry.objects.exists()


def test_scope_who_may_publish_where(tree: UnitTree, users: FormUsers) -> None:
    a, b = tree.communes
    with pytest.raises(AccessDenied):
        form_publish(actor=users.officer_a, name="f.md", data=markdown_form(), unit=b)
    with pytest.raises(AccessDenied):
        form_publish(actor=users.officer_a, name="f.md", data=markdown_form(), unit=None)
    with pytest.raises(AccessDenied):
        form_publish(actor=users.team_member_a, name="f.md", data=markdown_form(), unit=a)
    national = form_publish(
        actor=users.central_admin, name="f.md", data=markdown_form(form_id="toan_quoc"), unit=None
    )
    assert national.form.unit is None
    # Commune B's officer cannot publish a version of commune A's form.
    form_publish(actor=users.officer_a, name="f.md", data=markdown_form(), unit=a)
    with pytest.raises(AccessDenied):
        form_publish(actor=users.officer_b, name="f.md", data=markdown_form(version="2"), unit=a)


def test_the_same_form_id_cannot_move_to_another_unit(tree: UnitTree, users: FormUsers) -> None:
    a, b = tree.communes
    form_publish(actor=users.province_officer, name="f.md", data=markdown_form(), unit=a)
    with pytest.raises(XLSFormRejected) as refused:
        form_publish(
            actor=users.province_officer, name="f.md", data=markdown_form(version="2"), unit=b
        )
    assert "form_id" in refused.value.reasons[0]


def test_a_media_file_must_bear_the_name_the_form_uses(tree: UnitTree, users: FormUsers) -> None:
    version = form_publish(
        actor=users.officer_a, name="f.md", data=markdown_form(), unit=tree.communes[0]
    )
    image = version.attachments.get()
    with pytest.raises(DomainError) as refused:
        form_attachment_upload(actor=users.officer_a, attachment=image, name="anh.png", data=b"x")
    assert "nha.png" in refused.value.message
    image.refresh_from_db()
    assert not image.is_ready


def test_the_households_list_is_written_by_the_platform(tree: UnitTree, users: FormUsers) -> None:
    form = """
| survey |
| | type | name | label |
| | select_one_from_file households.csv | ho | Hộ |
| settings |
| | form_id | version |
| | chon_ho | 1 |
"""
    version = form_publish(
        actor=users.officer_a, name="f.md", data=form.encode(), unit=tree.communes[0]
    )
    households = version.attachments.get()
    assert (households.dataset, households.is_ready) == ("households", True)
    with pytest.raises(DomainError):
        form_attachment_upload(
            actor=users.officer_a, attachment=households, name="households.csv", data=b"a"
        )


def test_closing_a_form_is_audited(tree: UnitTree, users: FormUsers) -> None:
    version = form_publish(
        actor=users.officer_a, name="f.md", data=markdown_form(), unit=tree.communes[0]
    )
    form_settings_set(
        actor=users.officer_a, form=version.form, is_open=False, counts_before_approval=False
    )
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).get()
    assert entry.changes == {"counts_before_approval": [True, False], "is_open": [True, False]}
    with pytest.raises(AccessDenied):
        form_settings_set(
            actor=users.officer_b, form=version.form, is_open=True, counts_before_approval=True
        )


def test_a_households_entity_inside_a_repeat_is_refused_naming_the_repeat(
    tree: UnitTree, users: FormUsers
) -> None:
    """ODK's entities spec 2025.1 lets a repeat declare an entity per repeat instance;
    Làng Số applies only the form's own entity, so such a form would publish and then
    change no household. It is refused, naming the repeat, and nothing is stored."""
    form = """
| survey |
| | type         | name     | label    | save_to   |
| | begin_repeat | ho       | Hộ       |           |
| | text         | ten      | Tên      | head_name |
| | integer      | so_nguoi | Số người | members   |
| | end_repeat   | ho       |          |           |
| entities |
| | list_name  | label  |
| | households | ${ten} |
| settings |
| | form_id | version |
| | ho_lap  | 1       |
"""
    with pytest.raises(XLSFormRejected) as refused:
        form_publish(actor=users.officer_a, name="f.md", data=form.encode(), unit=tree.communes[0])
    assert "“ho”" in refused.value.reasons[0]
    assert "/data/ho" in refused.value.reasons[0]
    assert not SurveyForm.objects.exists()
    assert not AuditEntry.objects.exists()
