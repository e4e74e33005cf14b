"""Training records: who may be put on a list, villages counted, bad files and
nothing half-written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from langso.core.errors import AccessDenied, DomainError, FieldsInvalid, ImportRejected
from langso.core.models import AuditEntry
from langso.core.testing import xlsx_upload
from langso.plans.models import Attendance, Course, ResidentAttendance
from langso.plans.services.training import (
    IMPORT_COLUMNS,
    attendance_import,
    attendance_record,
    attendance_withdraw,
    certificate_set,
    course_create,
    resident_attendance_set,
    session_create,
)
from langso.plans.tests.training_world import DAY, TrainingWorld

HEADER = list(IMPORT_COLUMNS.values())


@pytest.fixture
def world(db: None) -> TrainingWorld:
    return TrainingWorld.make()


def test_attendance_records_people_of_the_scope_with_their_role(world: TrainingWorld) -> None:
    """A commune officer puts the commune's officer and team member on the list, each
    with the role they hold, and each entry is audited."""
    session = world.session(actor=world.officer_a)
    recorded = attendance_record(
        actor=world.officer_a, session=session, users=[world.officer_a, world.team_member_a1]
    )
    assert {(a.user_id, a.role) for a in recorded} == {
        (world.officer_a.pk, "commune_officer"),
        (world.team_member_a1.pk, "digital_team_member"),
    }
    assert AuditEntry.objects.filter(object_repr__contains=f"@ {session.pk}").count() == 2


def test_a_person_outside_the_scope_is_refused_by_name_and_nobody_is_recorded(
    world: TrainingWorld,
) -> None:
    """Commune A's officer may not list commune B's officer, nor an account holding no
    role: the message names them, and the people of A on the same list are not kept."""
    session = world.session(actor=world.officer_a)
    with pytest.raises(AccessDenied) as refused:
        attendance_record(
            actor=world.officer_a,
            session=session,
            users=[world.team_member_a1, world.officer_b, world.nobody],
        )
    assert "Cán bộ xa_b" in refused.value.message
    assert "Người không vai trò" in refused.value.message
    assert "to_a1" not in refused.value.message
    assert not Attendance.objects.exists()


def test_an_officer_keeps_no_records_of_another_commune(world: TrainingWorld) -> None:
    """Commune B's officer can neither hold a session in A nor list people on A's."""
    session = world.session()
    with pytest.raises(AccessDenied):
        attendance_record(actor=world.officer_b, session=session, users=[world.officer_b])
    with pytest.raises(AccessDenied):
        world.session(actor=world.officer_b)


def test_a_session_is_held_under_its_organiser_and_ends_after_it_starts(
    world: TrainingWorld,
) -> None:
    """A course of commune A has no session in commune B; the days run forwards."""
    course = course_create(
        actor=world.province_officer,
        organiser=world.units.a,
        topic="Kỹ năng số",
        audience="officers",
    )
    with pytest.raises(FieldsInvalid) as refused:
        session_create(
            actor=world.province_officer,
            course=course,
            unit=world.units.b,
            starts_on=DAY,
            ends_on=DAY - dt.timedelta(days=1),
            place="",
        )
    assert set(refused.value.errors) == {"unit", "ends_on", "place"}
    with pytest.raises(FieldsInvalid):
        course_create(actor=world.officer_a, organiser=world.units.a, topic=" ", audience="x")
    assert Course.objects.count() == 1


def test_residents_are_counted_only_in_villages_of_the_session_unit(world: TrainingWorld) -> None:
    """Villages of commune A may be counted on A's session; B's village is refused by
    name; a count set to 0 is removed."""
    session = world.session()
    resident_attendance_set(actor=world.officer_a, session=session, village=world.a1, residents=12)
    with pytest.raises(DomainError) as refused:
        resident_attendance_set(
            actor=world.officer_a, session=session, village=world.b1, residents=3
        )
    assert world.b1.name in refused.value.message
    assert list(ResidentAttendance.objects.values_list("residents", flat=True)) == [12]
    resident_attendance_set(actor=world.officer_a, session=session, village=world.a1, residents=0)
    assert not ResidentAttendance.objects.exists()


def test_an_import_records_every_row(world: TrainingWorld) -> None:
    """Rows name a person by username or phone, with attendance and a certificate."""
    session = world.session()
    upload = xlsx_upload(
        [["xa_a", "có", "CC-001"], ["0912000002", "không", ""], ["to_a1", "", ""]],
        header=HEADER,
    )
    assert attendance_import(actor=world.province_officer, session=session, file=upload) == 3
    rows = set(Attendance.objects.values_list("user__username", "attended", "certificate_number"))
    assert rows == {("xa_a", True, "CC-001"), ("xa_b", False, ""), ("to_a1", True, "")}


def test_an_import_with_bad_rows_names_each_and_records_nothing(world: TrainingWorld) -> None:
    """An unknown account, a person outside the scope, a person repeated (by phone),
    an unreadable answer and a certificate for someone absent are each named with their
    row; the good rows are not kept."""
    session = world.session(actor=world.officer_a)
    upload = xlsx_upload(
        [
            ["xa_a", "có", ""],
            ["khong-co-ai", "có", ""],
            ["xa_b", "có", ""],
            ["xa_a", "có", ""],
            ["to_a1", "có lẽ", ""],
            ["0912000001", "không", "CC-1"],
        ],
        header=HEADER,
    )
    with pytest.raises(ImportRejected) as refused:
        attendance_import(actor=world.officer_a, session=session, file=upload)
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (3, HEADER[0]),
        (4, HEADER[0]),
        (5, HEADER[0]),
        (6, HEADER[1]),
        (7, HEADER[0]),
        (7, HEADER[2]),
    ]
    assert "Cán bộ xa_b" in str(refused.value.errors[1])
    assert not Attendance.objects.exists()


def test_a_certificate_is_kept_under_a_random_name(
    world: TrainingWorld, settings: Any, tmp_path: Path
) -> None:
    """The scan keeps the uploader's name for download, not for storage; withdrawing
    the person takes the attendance off the list."""
    settings.MEDIA_ROOT = tmp_path
    session = world.session()
    (attendance,) = attendance_record(
        actor=world.province_officer, session=session, users=[world.officer_a]
    )
    scan = SimpleUploadedFile("chung-chi Nguyễn.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    certificate_set(actor=world.province_officer, attendance=attendance, number="CC-9", upload=scan)
    attendance.refresh_from_db()
    assert attendance.certificate_number == "CC-9"
    assert attendance.certificate_name == "chung-chi Nguyễn.pdf"
    stored = str(attendance.certificate_file.name)
    assert stored.startswith("dao-tao/chung-chi/")
    assert "Nguy" not in stored
    attendance_withdraw(actor=world.province_officer, attendance=attendance)
    assert not Attendance.objects.exists()


def test_who_did_not_attend_gets_no_certificate(world: TrainingWorld) -> None:
    """A certificate is for someone who attended."""
    session = world.session()
    (attendance,) = attendance_record(
        actor=world.province_officer, session=session, users=[world.officer_a], attended=False
    )
    with pytest.raises(DomainError):
        certificate_set(actor=world.province_officer, attendance=attendance, number="CC-1")
