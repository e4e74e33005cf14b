"""/api/v1/roles: role assignments the signed-in user may manage.

Session authentication with CSRF, as django-ninja does it for cookies. Domain errors map
to JSON in `config.api`: AccessDenied 403, NotFound 404, bad input 400 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from langso.core.errors import AccessDenied, DomainError, NotFound
from langso.places.models import Level

from . import selectors, services
from .models import RoleAssignment
from .roles import Role

router = Router(tags=["accounts"], auth=django_auth)

UnitLevel = Literal["province", "commune", "village"]


class RoleAssignmentOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    unit_code: str | None = Field(description="Null: toàn quốc / nationwide")
    unit_level: str | None
    unit_name: str | None
    granted_by: str | None = Field(description="Tên đăng nhập người cấp / granter's username")
    granted_at: dt.datetime

    @staticmethod
    def from_assignment(assignment: RoleAssignment) -> RoleAssignmentOut:
        unit = assignment.unit
        return RoleAssignmentOut(
            id=assignment.pk,
            username=assignment.user.username,
            full_name=assignment.user.full_name,
            role=assignment.role,
            role_label=str(assignment.get_role_display()),
            unit_code=unit.code if unit else None,
            unit_level=unit.level if unit else None,
            unit_name=unit.name if unit else None,
            granted_by=assignment.granted_by.username if assignment.granted_by else None,
            granted_at=assignment.granted_at,
        )


class RoleAssignIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    role: Role
    unit_code: str = Field(
        "", max_length=32, description="Bỏ trống cho quản trị trung ương / empty for central_admin"
    )
    unit_level: UnitLevel | None = None


class ErrorOut(Schema):
    detail: str


@router.get("/roles", response=list[RoleAssignmentOut], url_name="role-list")
def role_list(request: HttpRequest) -> list[RoleAssignmentOut]:
    """Phân quyền trên các đơn vị trong phạm vi phân quyền của người dùng.
    Assignments on units inside the caller's assign-roles scope."""
    return [
        RoleAssignmentOut.from_assignment(a)
        for a in selectors.role_assignments_visible_to(user=request.user)
    ]


@router.post(
    "/roles",
    response={201: RoleAssignmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    url_name="role-assign",
)
def role_assign(request: HttpRequest, payload: RoleAssignIn) -> Status[RoleAssignmentOut]:
    """Cấp vai trò cho một tài khoản trên một đơn vị hiện hành.
    Grant a role to an account on a current unit."""
    if not selectors.roles_grantable_somewhere(user=request.user):
        # Whoever may grant nothing learns nothing about which accounts or units exist.
        raise AccessDenied(_("Bạn không có quyền phân quyền."))
    unit = None
    if payload.role != Role.CENTRAL_ADMIN:
        if payload.unit_level is None or not payload.unit_code.strip():
            raise DomainError(_("unit_level, unit_code: vai trò này cần cấp và mã của một đơn vị."))
        unit = selectors.current_unit_get(level=payload.unit_level, code=payload.unit_code)
        if unit is None:
            raise NotFound(
                _("unit_code: không có đơn vị cấp %(level)s mã “%(code)s” đang có hiệu lực.")
                % {"level": str(Level(payload.unit_level).label).lower(), "code": payload.unit_code}
            )
    # The grant is judged before the account is looked up: a refusal must read the same
    # whether the username exists or not.
    services.role_grant_check(actor=request.user, role=payload.role, unit=unit)
    user = selectors.user_get_by_username(username=payload.username)
    if user is None:
        raise NotFound(
            _("username: không có tài khoản “%(username)s”.") % {"username": payload.username}
        )
    assignment = services.role_assign(actor=request.user, user=user, role=payload.role, unit=unit)
    return Status(201, RoleAssignmentOut.from_assignment(assignment))


@router.delete(
    "/roles/{assignment_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    url_name="role-revoke",
)
def role_revoke(request: HttpRequest, assignment_id: int) -> Status[None]:
    """Thu hồi một phân quyền; ngoài phạm vi thì trả 404 như không tồn tại.
    Revoke an assignment; outside the caller's scope it is 404, as if absent."""
    assignment = selectors.role_assignment_get_for_user(
        user=request.user, assignment_id=assignment_id
    )
    services.role_revoke(actor=request.user, assignment=assignment)
    return Status(204, None)
