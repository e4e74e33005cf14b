"""Reads of the training records: courses and sessions within a reader's scope, the
people an officer may put on a session's list, and the figures the training indicators
count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Permission, Role
from langso.accounts.selectors import unit_scope_q
from langso.core.actors import Actor
from langso.core.errors import NotFound
from langso.core.events import ActivityTotal, ShareFigures
from langso.core.text import normalize_name
from langso.places.models import AdminUnit, Level

from ..models import Attendance, Audience, Course, ResidentAttendance, Session

# Who keeps training records: the officers who grant a unit's roles know its people
# (commune and province officers, central admins).
TRAINING_PERMISSION = Permission.ASSIGN_ROLES
# The officers who manage the NTM programme at each level ("cán bộ quản lý Chương trình
# NTM các cấp" of the provincial plans): the share of them trained is the plans' target.
MANAGER_ROLES = (Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER)
PEOPLE_SHOWN = 20


def course_list_for_user(*, user: Actor) -> QuerySet[Course]:
    """Courses organised by a unit within `user`'s scope, newest first."""
    return (
        Course.objects.filter(
            unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="organiser__")
        )
        .select_related("organiser")
        .order_by("-created_at", "-pk")
    )


def course_get_for_user(*, user: Actor, pk: int) -> Course:
    course = course_list_for_user(user=user).filter(pk=pk).first()
    if course is None:
        raise NotFound(_("Không có khoá tập huấn này trong phạm vi của bạn."))
    return course


def session_list_for_user(*, user: Actor, course: Course | None = None) -> QuerySet[Session]:
    """Sessions held at a unit within `user`'s scope (of `course`), latest first."""
    sessions = Session.objects.filter(
        unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="unit__")
    )
    if course is not None:
        sessions = sessions.filter(course=course)
    return sessions.select_related("course", "unit").order_by("-ends_on", "-pk")


def session_get_for_user(*, user: Actor, pk: int) -> Session:
    session = session_list_for_user(user=user).filter(pk=pk).first()
    if session is None:
        raise NotFound(_("Không có buổi tập huấn này trong phạm vi của bạn."))
    return session


def session_attendances(*, session: Session) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(session=session)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )


def session_resident_counts(*, session: Session) -> QuerySet[ResidentAttendance]:
    return (
        ResidentAttendance.objects.filter(session=session)
        .select_related("village")
        .order_by("village__name", "topic")
    )


def certificate_get_for_user(*, user: Actor, pk: int) -> Attendance:
    """An attendance whose certificate `user` may read: its holder, or a reader of the
    session's unit. Refused as missing otherwise."""
    attendance = (
        Attendance.objects.filter(
            Q(user_id=user.pk)
            | unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="session__unit__"),
            pk=pk,
        )
        .exclude(certificate_file="")
        .first()
        if user.is_authenticated
        else None
    )
    if attendance is None:
        raise NotFound(_("Không có chứng chỉ này trong phạm vi của bạn."))
    return attendance


def _roles_in_scope(officer: Actor) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(
        unit_scope_q(user=officer, permission=TRAINING_PERMISSION, prefix="unit__"),
        user__is_active=True,
    )


def people_search_for_user(*, user: Actor, query: str) -> list[User]:
    """Up to `PEOPLE_SHOWN` active accounts holding a role within `user`'s scope for
    keeping training records, whose name, username or phone holds `query`."""
    text = query.strip()
    if not text:
        return []
    folded = normalize_name(text, fold_diacritics=True)
    holders = _roles_in_scope(user).values("user_id")
    matches = User.objects.filter(pk__in=holders).filter(
        Q(username__icontains=text) | Q(phone__icontains=text) | Q(full_name__icontains=text)
    )
    found = list(matches.order_by("full_name", "username")[:PEOPLE_SHOWN])
    if len(found) < PEOPLE_SHOWN and folded != text.casefold():
        # Names typed without diacritics still find "Nguyễn"; the folded name is not
        # stored for accounts, so the few holders in scope are compared here.
        seen = {person.pk for person in found}
        found += [
            person
            for person in User.objects.filter(pk__in=holders).exclude(pk__in=seen)
            if folded in normalize_name(person.full_name, fold_diacritics=True)
        ][: PEOPLE_SHOWN - len(found)]
    return found


def people_roles_in_scope(*, officer: Actor, users: Sequence[User]) -> dict[int, str]:
    """For each of `users` who holds a role on a unit within `officer`'s scope for
    keeping training records, that role (the highest, by the order of `Role`)."""
    order = {role: index for index, role in enumerate(Role.values)}
    roles: dict[int, str] = {}
    for user_id, role in (
        _roles_in_scope(officer)
        .filter(user_id__in=[user.pk for user in users])
        .values_list("user_id", "role")
    ):
        if user_id not in roles or order[role] < order[roles[user_id]]:
            roles[user_id] = role
    return roles


def officers_trained_figures(
    level: str, unit_ids: Sequence[int], first_day: dt.date, last_day: dt.date
) -> ShareFigures:
    """At each unit: the distinct active accounts holding a managing officer's role on
    a unit in its subtree who attended a session for officers ending within the days,
    of all those accounts. An account is counted once however many sessions it sat."""
    holders = RoleAssignment.objects.filter(
        role__in=MANAGER_ROLES,
        user__is_active=True,
        **{f"unit__{level}_id__in": list(unit_ids)},
    )
    column = f"unit__{level}_id"
    everyone = dict(
        holders.values_list(column).annotate(n=Count("user_id", distinct=True)).order_by()
    )
    trained = dict(
        holders.filter(
            user__training_attendances__attended=True,
            user__training_attendances__session__course__audience=Audience.OFFICERS,
            user__training_attendances__session__ends_on__gte=first_day,
            user__training_attendances__session__ends_on__lte=last_day,
        )
        .values_list(column)
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    )
    return {unit: (trained.get(unit, 0), total) for unit, total in everyone.items()}


def residents_trained_totals() -> list[ActivityTotal]:
    """Residents trained counted again from the records, per village and month of the
    session's last day, as `plans.activity` publishes them."""
    rows = (
        ResidentAttendance.objects.annotate(month=TruncMonth("session__ends_on"))
        .values_list("village__province_id", "village__commune_id", "village_id", "month")
        .annotate(total=Sum("residents"))
        .order_by()
    )
    return [(p, c, v, m, n) for p, c, v, m, n in rows]


def attendance_get_for_user(*, user: Actor, pk: int) -> Attendance:
    """An attendance of a session within `user`'s scope; refused as missing otherwise."""
    attendance = (
        Attendance.objects.filter(
            unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="session__unit__"),
            pk=pk,
        )
        .select_related("session__unit", "user")
        .first()
    )
    if attendance is None:
        raise NotFound(_("Không có người tham dự này trong phạm vi của bạn."))
    return attendance


def people_in_scope(*, user: Actor, ids: Sequence[int]) -> list[User]:
    """The active accounts of `ids` holding a role within `user`'s scope for keeping
    training records (what the picker offered); others are left out, unnamed."""
    holders = _roles_in_scope(user).values("user_id")
    return list(User.objects.filter(pk__in=holders).filter(pk__in=list(ids)).order_by("pk"))


def session_villages(*, session: Session) -> QuerySet[AdminUnit]:
    """The current villages where the session may count residents trained."""
    return AdminUnit.objects.filter(
        session.unit.subtree_q(), level=Level.VILLAGE, valid_to__isnull=True
    ).order_by("name")
