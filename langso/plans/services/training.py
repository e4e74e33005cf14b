"""Writes of the training records. Each checks the officer's scope and every value
before it saves, runs in one transaction, is audited, and moves the training indicators
with it (`plans.activity`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.accounts.selectors import user_has_unit_permission
from langso.core.actors import Actor
from langso.core.errors import AccessDenied, DomainError, FieldsInvalid, ImportRejected, RowError
from langso.core.evidence import evidence_files_check
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.core.tabular import read_table
from langso.places.models import AdminUnit, Level

from ..activity import residents_trained_counted
from ..models import Attendance, Audience, Course, ResidentAttendance, Session
from ..selectors.training import TRAINING_PERMISSION, people_roles_in_scope

COURSE_FIELDS = ["topic", "description", "organiser", "audience"]
SESSION_FIELDS = ["course", "unit", "starts_on", "ends_on", "place", "trainer"]
ATTENDANCE_FIELDS = [
    "session",
    "user",
    "role",
    "attended",
    "certificate_number",
    "certificate_name",
]
RESIDENT_FIELDS = ["session", "village", "topic", "residents"]
# An attendance list is a few dozen people; a file of more is not one.
IMPORT_MAX_ROWS = 2000
IMPORT_COLUMNS = {
    "person": "Tài khoản hoặc số điện thoại",
    "attended": "Có tham dự",
    "certificate_number": "Số chứng chỉ",
}
_YES = {"có", "co", "x", "1", "yes", "true", "đã tham dự"}
_NO = {"không", "khong", "0", "no", "false", "vắng"}


def _person(user: User) -> str:
    return user.full_name or user.username


def _check_keeps_records(actor: Actor, unit: AdminUnit) -> None:
    if unit.valid_to is not None or not user_has_unit_permission(
        user=actor, permission=TRAINING_PERMISSION, unit=unit
    ):
        raise AccessDenied(
            _("Bạn không được ghi hồ sơ tập huấn của %(unit)s.") % {"unit": unit.name}
        )


def _audited_create(actor: Actor, instance: Any, fields: list[str]) -> None:
    audit_record(
        actor=actor,
        instance=instance,
        action=AuditEntry.Action.CREATE,
        after=model_snapshot(instance, fields),
    )


@transaction.atomic
def course_create(
    *, actor: Actor, organiser: AdminUnit, topic: str, audience: str, description: str = ""
) -> Course:
    _check_keeps_records(actor, organiser)
    errors: dict[str, str] = {}
    if not topic.strip():
        errors["topic"] = _("Hãy nhập chủ đề của khoá tập huấn.")
    if audience not in Audience.values:
        errors["audience"] = _("Hãy chọn đối tượng của khoá tập huấn.")
    if errors:
        raise FieldsInvalid(errors)
    course = Course.objects.create(
        organiser=organiser,
        topic=topic.strip(),
        audience=audience,
        description=description.strip(),
    )
    _audited_create(actor, course, COURSE_FIELDS)
    return course


@transaction.atomic
def session_create(
    *,
    actor: Actor,
    course: Course,
    unit: AdminUnit,
    starts_on: dt.date,
    ends_on: dt.date,
    place: str,
    trainer: str = "",
) -> Session:
    """A session of `course`, held at `unit` (the organiser's or a unit under it)."""
    _check_keeps_records(actor, unit)
    errors: dict[str, str] = {}
    if not course.organiser.contains(unit):
        errors["unit"] = _("%(unit)s không thuộc %(organiser)s, đơn vị tổ chức khoá học.") % {
            "unit": unit.name,
            "organiser": course.organiser.name,
        }
    if ends_on < starts_on:
        errors["ends_on"] = _("Ngày kết thúc trước ngày bắt đầu.")
    if not place.strip():
        errors["place"] = _("Hãy nhập địa điểm.")
    if errors:
        raise FieldsInvalid(errors)
    session = Session.objects.create(
        course=course,
        unit=unit,
        starts_on=starts_on,
        ends_on=ends_on,
        place=place.strip(),
        trainer=trainer.strip(),
    )
    _audited_create(actor, session, SESSION_FIELDS)
    return session


@transaction.atomic
def attendance_record(
    *, actor: Actor, session: Session, users: Sequence[User], attended: bool = True
) -> list[Attendance]:
    """Put `users` on the session's list (or mark them again) as attended or not. A
    person who holds no role within the officer's scope is refused by name, and then
    nobody is recorded."""
    _check_keeps_records(actor, session.unit)
    roles = people_roles_in_scope(officer=actor, users=users)
    outside = [_person(user) for user in users if user.pk not in roles]
    if outside:
        raise AccessDenied(
            _("Không ghi được danh sách: %(people)s không thuộc phạm vi quản lý của bạn.")
            % {"people": ", ".join(outside)}
        )
    existing = {a.user_id: a for a in Attendance.objects.filter(session=session)}
    recorded = []
    for user in users:
        attendance = existing.get(user.pk)
        if attendance is None:
            attendance = Attendance.objects.create(
                session=session, user=user, role=roles[user.pk], attended=attended
            )
            _audited_create(actor, attendance, ATTENDANCE_FIELDS)
        else:
            _attendance_update(actor, attendance, attended=attended)
        recorded.append(attendance)
    return recorded


def _attendance_update(
    actor: Actor, attendance: Attendance, *, attended: bool, certificate_number: str | None = None
) -> None:
    before = model_snapshot(attendance, ATTENDANCE_FIELDS)
    attendance.attended = attended
    if certificate_number is not None:
        attendance.certificate_number = certificate_number.strip()
    _attendance_save(actor, attendance, before)


def _attendance_save(actor: Actor, attendance: Attendance, before: dict[str, Any]) -> None:
    attendance.save()
    audit_record(
        actor=actor,
        instance=attendance,
        action=AuditEntry.Action.UPDATE,
        before=before,
        after=model_snapshot(attendance, ATTENDANCE_FIELDS),
    )


@transaction.atomic
def attendance_withdraw(*, actor: Actor, attendance: Attendance) -> None:
    """Take a person off the session's list (entered by mistake), with their certificate."""
    _check_keeps_records(actor, attendance.session.unit)
    audit_record(
        actor=actor,
        instance=attendance,
        action=AuditEntry.Action.DELETE,
        before=model_snapshot(attendance, ATTENDANCE_FIELDS),
    )
    _file_delete_on_commit(attendance)
    attendance.delete()


def _file_delete_on_commit(attendance: Attendance) -> None:
    """The certificate's scan goes once its removal or replacement is committed."""
    if attendance.certificate_file:
        stored, storage = str(attendance.certificate_file.name), attendance.certificate_file.storage
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def certificate_set(
    *,
    actor: Actor,
    attendance: Attendance,
    number: str,
    upload: UploadedFile[Any] | None = None,
) -> Attendance:
    """Record the certificate a person was given: its number, and its scan if any."""
    _check_keeps_records(actor, attendance.session.unit)
    if not attendance.attended:
        raise DomainError(
            _("%(person)s không tham dự buổi này nên không có chứng chỉ.")
            % {"person": _person(attendance.user)}
        )
    if not number.strip():
        raise FieldsInvalid({"number": _("Hãy nhập số chứng chỉ.")})
    if upload is not None:
        evidence_files_check([upload])
    before = model_snapshot(attendance, ATTENDANCE_FIELDS)
    attendance.certificate_number = number.strip()
    if upload is not None:
        _file_delete_on_commit(attendance)
        attendance.certificate_file = upload
        attendance.certificate_name = Path(upload.name or "").name[:255]
    _attendance_save(actor, attendance, before)
    return attendance


@transaction.atomic
def resident_attendance_set(
    *, actor: Actor, session: Session, village: AdminUnit, residents: int, topic: str = ""
) -> ResidentAttendance | None:
    """Set how many residents of `village` the session trained (on `topic`); 0 removes
    the count. The indicator moves by the difference."""
    _check_keeps_records(actor, session.unit)
    if village.level != Level.VILLAGE or not session.unit.contains(village):
        raise DomainError(
            _("%(village)s không thuộc %(unit)s, nơi tổ chức buổi tập huấn.")
            % {"village": village.name, "unit": session.unit.name}
        )
    if residents < 0:
        raise FieldsInvalid({"residents": _("Số người dân không được âm.")})
    record = (
        ResidentAttendance.objects.select_for_update()
        .filter(session=session, village=village, topic=topic.strip())
        .first()
    )
    before = model_snapshot(record, RESIDENT_FIELDS) if record else {}
    previous = record.residents if record else 0
    if record is None:
        if not residents:
            return None
        record = ResidentAttendance(session=session, village=village, topic=topic.strip())
    record.residents = residents
    residents_trained_counted(record, amount=residents - previous)
    if not residents:
        audit_record(actor=actor, instance=record, action=AuditEntry.Action.DELETE, before=before)
        record.delete()
        return None
    record.save()
    audit_record(
        actor=actor,
        instance=record,
        action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
        before=before,
        after=model_snapshot(record, RESIDENT_FIELDS),
    )
    return record


def _attended(value: str) -> bool | None:
    text = value.strip().casefold()
    if not text:
        return True
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def _people_by_key(keys: Collection[str]) -> dict[str, list[User]]:
    found: dict[str, list[User]] = {}
    for user in User.objects.filter(
        Q(username__in=keys) | Q(phone__in=keys), is_active=True
    ).order_by("pk"):
        for key in {user.username, user.phone} & set(keys):
            found.setdefault(key, []).append(user)
    return found


@transaction.atomic
def attendance_import(*, actor: Actor, session: Session, file: IO[bytes] | Any) -> int:
    """Record a session's list from a CSV or XLSX file (a row per person: username or
    phone, attended yes/no, certificate number). Every bad row is named, and a file with
    any bad row records nothing. Returns the rows recorded."""
    _check_keeps_records(actor, session.unit)
    table = read_table(
        file,
        columns=IMPORT_COLUMNS,
        optional=("attended", "certificate_number"),
        max_rows=IMPORT_MAX_ROWS,
    )
    rows = [(number, row) for number, row in enumerate(table, start=2) if any(row.values())]
    people = _people_by_key({row["person"] for _number, row in rows if row["person"]})
    roles = people_roles_in_scope(
        officer=actor, users=[user for users in people.values() for user in users]
    )
    errors: list[RowError] = []
    seen: dict[int, int] = {}
    accepted: list[tuple[User, bool, str]] = []
    person_label = IMPORT_COLUMNS["person"]
    for number, row in rows:
        key = row["person"]
        matches = people.get(key, [])
        attended = _attended(row["attended"])
        if not key:
            errors.append(RowError(number, person_label, _("Thiếu tài khoản hoặc số điện thoại.")))
        elif not matches:
            errors.append(
                RowError(number, person_label, _("Không có tài khoản “%(key)s”.") % {"key": key})
            )
        elif len(matches) > 1:
            errors.append(
                RowError(
                    number,
                    person_label,
                    _("Số điện thoại “%(key)s” thuộc nhiều tài khoản; hãy ghi tên tài khoản.")
                    % {"key": key},
                )
            )
        elif matches[0].pk not in roles:
            errors.append(
                RowError(
                    number,
                    person_label,
                    _("%(person)s không thuộc phạm vi quản lý của bạn.")
                    % {"person": _person(matches[0])},
                )
            )
        elif matches[0].pk in seen:
            errors.append(
                RowError(
                    number,
                    person_label,
                    _("%(person)s đã có ở dòng %(row)s.")
                    % {"person": _person(matches[0]), "row": seen[matches[0].pk]},
                )
            )
        if attended is None:
            errors.append(
                RowError(
                    number,
                    IMPORT_COLUMNS["attended"],
                    _("Hãy ghi “có” hoặc “không” (không hiểu “%(value)s”).")
                    % {"value": row["attended"]},
                )
            )
        elif attended is False and row["certificate_number"]:
            errors.append(
                RowError(
                    number,
                    IMPORT_COLUMNS["certificate_number"],
                    _("Người vắng mặt không có chứng chỉ."),
                )
            )
        if len(matches) == 1:
            seen.setdefault(matches[0].pk, number)
            if attended is not None:
                accepted.append((matches[0], attended, row["certificate_number"]))
    if errors:
        raise ImportRejected(errors)
    for user, attended, certificate in accepted:
        (attendance,) = attendance_record(
            actor=actor, session=session, users=[user], attended=attended
        )
        if certificate:
            _attendance_update(actor, attendance, attended=attended, certificate_number=certificate)
    return len(accepted)
