"""The access layer: who may do what, and where.

A role is held on a unit and reaches that unit's whole subtree; a central admin's role is
held on no unit and reaches the whole country. Every scoped read in the platform filters
through `unit_scope_q`, and every check on one unit goes through
`user_has_unit_permission` (directly, or as `user.has_perm(permission, unit)` through
`UnitRoleBackend`).

An active Django superuser counts as a central admin, so that `user.has_perm`, which
Django answers True for superusers without asking any backend, and the scope filters
below never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Case, Q, QuerySet, When
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from langso.core.actors import Actor
from langso.core.errors import DomainError, NotFound
from langso.core.text import normalize_name
from langso.places.models import AdminUnit, UnitLineage
from langso.places.selectors import legacy_communes_under, unit_get

from .models import RoleAssignment, User
from .roles import GRANTABLE_ROLES, ROLE_PERMISSIONS, TWO_FACTOR_ROLES, Permission, Role

# The user's roles, read once per user object. Django builds a new user object for every
# request, so this is a per-request cache; services that change a user's roles clear it.
_ROLES_ATTRIBUTE = "_langso_unit_roles"


def _is_superuser(user: Actor) -> bool:
    return bool(user.is_active and getattr(user, "is_superuser", False))


def role_list_for_user(*, user: Actor) -> list[RoleAssignment]:
    """The roles `user` holds, with their units; none for anonymous or inactive users."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(user, _ROLES_ATTRIBUTE, None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user_id=user.pk)
            .select_related("unit")
            .order_by("role", "unit__code", "pk")
        )
        setattr(user, _ROLES_ATTRIBUTE, cached)
    return cached


def role_cache_clear(*, user: Actor) -> None:
    """Forget the roles read for this user object (after they changed)."""
    if hasattr(user, _ROLES_ATTRIBUTE):
        delattr(user, _ROLES_ATTRIBUTE)


def _roles_with(user: Actor, permission: str) -> list[RoleAssignment]:
    return [a for a in role_list_for_user(user=user) if permission in ROLE_PERMISSIONS[a.role]]


def _reaches(assignment: RoleAssignment, unit: AdminUnit | None) -> bool:
    """Whether the role reaches `unit` (None: the whole country, reached only nationwide)."""
    if assignment.unit is None:
        return assignment.role == Role.CENTRAL_ADMIN
    return unit is not None and assignment.unit.contains(unit)


def is_nationwide(*, user: Actor, permission: str) -> bool:
    """Whether `user` holds `permission` everywhere (central admin or superuser)."""
    if _is_superuser(user):
        return True
    return any(a.unit is None for a in _roles_with(user, permission))


def user_has_unit_permission(*, user: Actor, permission: str, unit: AdminUnit) -> bool:
    """Whether `user` holds `permission` on `unit` through a role on it or on an ancestor."""
    if _is_superuser(user):
        return True
    return any(_reaches(a, unit) for a in _roles_with(user, permission))


def user_has_permission_somewhere(*, user: Actor, permission: str) -> bool:
    """Whether `user` holds `permission` on at least one unit (or nationwide)."""
    return _is_superuser(user) or bool(_roles_with(user, permission))


def unit_scope_q(*, user: Actor, permission: str, prefix: str = "") -> Q:
    """A filter for rows (reached through `prefix`, e.g. "unit__") under the units where
    `user` holds `permission`: everything for a central admin, nothing for nobody."""
    if is_nationwide(user=user, permission=permission):
        return Q()
    scope = Q(pk__in=[])
    for assignment in _roles_with(user, permission):
        if assignment.unit is not None:
            scope |= assignment.unit.subtree_q(prefix)
    return scope


def scope_unit(*, user: Actor, permission: str) -> AdminUnit | None:
    """The one unit whose subtree is the whole of `user`'s scope for `permission` (roles
    on units under it add nothing), or None: nationwide, nothing, or several units apart.
    Lists use it to tell the database which index holds the scope's rows in order."""
    if is_nationwide(user=user, permission=permission):
        return None
    units = [a.unit for a in _roles_with(user, permission) if a.unit is not None]
    outermost = {u.pk: u for u in units if not any(o.pk != u.pk and o.contains(u) for o in units)}
    return next(iter(outermost.values())) if len(outermost) == 1 else None


def unit_in_scope(*, user: Actor, unit: AdminUnit, permission: str) -> bool:
    """Whether `unit` lies within `user`'s scope for `permission`. A unit abolished in 2025
    is within it when a unit it (or one of its communes) went into is: its history
    belongs to whoever holds the places it became."""
    scope = unit_scope_q(user=user, permission=permission)
    if unit.valid_to is None:
        return AdminUnit.objects.filter(scope, pk=unit.pk).exists()
    communes = legacy_communes_under(unit=unit).values("pk")
    successors = UnitLineage.objects.filter(
        Q(predecessor=unit) | Q(predecessor__in=communes)
    ).values("successor_id")
    return AdminUnit.objects.filter(scope, pk__in=successors).exists()


def unit_get_for_user(
    *, user: Actor, code: str, permission: str = Permission.VIEW_SCOPED
) -> AdminUnit:
    """This unit, for this user: the unit with the official code (as `unit_get` finds it),
    refused as NotFound outside `user`'s scope for `permission`, so that a refusal never
    reveals whether a unit exists. Every page and route about one unit starts here."""
    unit = unit_get(code=code)
    if not unit_in_scope(user=user, unit=unit, permission=permission):
        raise NotFound(_("Không có đơn vị này trong phạm vi của bạn."))
    return unit


def user_holds_role(*, user: Actor, role: str, unit: AdminUnit) -> bool:
    """Whether `user` (active) holds exactly `role` on `unit` or on a unit containing
    it. No other role stands in, a central admin's or a superuser's neither: where a
    procedure names who acts (the commune leader signs, the province decides), only
    that role may."""
    return any(
        a.role == role and a.unit is not None and a.unit.contains(unit)
        for a in role_list_for_user(user=user)
    )


def role_holders(*, role: str, unit: AdminUnit) -> QuerySet[User]:
    """The active users holding `role` on `unit` or on a unit containing it."""
    containing = [
        pk
        for pk in (unit.province_id, unit.district_id, unit.commune_id, unit.village_id)
        if pk is not None
    ]
    return (
        User.objects.filter(is_active=True, roles__role=role, roles__unit_id__in=containing)
        .distinct()
        .order_by("pk")
    )


def scoped_units(*, user: Actor, permission: str) -> QuerySet[AdminUnit]:
    """The units (of every generation) on which `user` holds `permission`."""
    return AdminUnit.objects.filter(unit_scope_q(user=user, permission=permission))


def grantable_roles(*, user: Actor, unit: AdminUnit | None) -> set[str]:
    """The roles `user` may grant on `unit` (None: nationwide). Empty unless `user` holds
    ASSIGN_ROLES there; never a role above one the user holds over `unit`."""
    if _is_superuser(user):
        return set(Role)
    if unit is None and not is_nationwide(user=user, permission=Permission.ASSIGN_ROLES):
        return set()
    if unit is not None and not user_has_unit_permission(
        user=user, permission=Permission.ASSIGN_ROLES, unit=unit
    ):
        return set()
    roles: set[str] = set()
    for assignment in role_list_for_user(user=user):
        if _reaches(assignment, unit):
            roles |= GRANTABLE_ROLES[assignment.role]
    return roles


def can_grant(*, user: Actor, role: str, unit: AdminUnit | None) -> bool:
    """Whether `user` may grant or revoke `role` on `unit`."""
    return role in grantable_roles(user=user, unit=unit)


def roles_grantable_somewhere(*, user: Actor) -> set[str]:
    """Every role `user` may grant on some unit, for the choices of an assignment form."""
    if _is_superuser(user):
        return set(Role)
    roles: set[str] = set()
    for assignment in _roles_with(user, Permission.ASSIGN_ROLES):
        roles |= GRANTABLE_ROLES[assignment.role]
    return roles


def role_assignments_visible_to(*, user: Actor) -> QuerySet[RoleAssignment]:
    """Assignments on units inside the viewer's ASSIGN_ROLES scope (nationwide ones only
    for a central admin), with their user, unit and granter."""
    return (
        RoleAssignment.objects.filter(
            unit_scope_q(user=user, permission=Permission.ASSIGN_ROLES, prefix="unit__")
        )
        .select_related("user", "unit", "granted_by")
        .order_by("unit__code", "role", "user__username", "pk")
    )


def role_assignment_get_for_user(*, user: Actor, assignment_id: int) -> RoleAssignment:
    """One visible assignment. Outside the viewer's scope it is NotFound, as if it did not
    exist, so that a refusal never reveals whether it does."""
    assignment = role_assignments_visible_to(user=user).filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound(_("Không tìm thấy phân quyền này."))
    return assignment


def user_get_by_username(*, username: str) -> User | None:
    return User.objects.filter(username=username.strip()).first()


def current_unit_get(*, level: str, code: str) -> AdminUnit | None:
    """The unit in force today with this level and official code, if any."""
    return AdminUnit.objects.current().filter(level=level, code=code.strip()).first()


def two_factor_offered(*, user: Actor) -> bool:
    """Whether `user` may sign in with a TOTP code: holders of a role reaching a province
    or more (`TWO_FACTOR_ROLES`), and superusers, who count as central admins."""
    if _is_superuser(user):
        return True
    return any(a.role in TWO_FACTOR_ROLES for a in role_list_for_user(user=user))


def two_factor_enrolled(*, user: Actor) -> bool:
    """Whether `user` has a confirmed TOTP device, and so must give a code to sign in."""
    if not user.is_authenticated:
        return False
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


# ---------------------------------------------------------------------------------------
# Unit picker (issue 15, item 8): no form asks for a unit code typed by hand; officers
# pick one of their own units by its name, shown with its commune and province.

# Options a picker lists at once: a commune officer's units all fit; a province's are
# searched by name as the user types.
UNIT_PICK_LIMIT = 50
_LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2, "village": 3}


def unit_label(unit: AdminUnit) -> str:
    """The unit's name with the names of its commune and province, e.g. "Thôn Đông,
    Xã Gia Viễn, Tỉnh Ninh Bình": unique where names repeat across communes."""
    above = [a.name for a in (unit.commune, unit.province) if a is not None and a.pk != unit.pk]
    return ", ".join([unit.name, *above])


def _pickable(*, user: Actor, permission: str, levels: Sequence[str]) -> QuerySet[AdminUnit]:
    return (
        AdminUnit.objects.current()
        .filter(unit_scope_q(user=user, permission=permission), level__in=levels)
        .select_related("commune", "province")
        .order_by(
            Case(*(When(level=k, then=v) for k, v in _LEVEL_ORDER.items())), "search_name", "pk"
        )
    )


def unit_pick_list(
    *,
    user: Actor,
    permission: str,
    levels: Sequence[str],
    q: str = "",
    limit: int = UNIT_PICK_LIMIT,
) -> list[AdminUnit]:
    """The current units of `levels` within `user`'s scope for `permission` whose name
    holds `q` (diacritics optional: "gia vien" finds "Gia Viễn") or whose code starts
    with it; provinces first, then communes and villages, by name."""
    units = _pickable(user=user, permission=permission, levels=levels)
    if q.strip():
        name = normalize_name(q.split(",")[0], fold_diacritics=True)
        units = units.filter(Q(search_name__contains=name) | Q(code__startswith=q.strip()))
    return list(units[:limit])


def unit_pick_resolve(
    *, user: Actor, permission: str, levels: Sequence[str], text: str
) -> AdminUnit | None:
    """The unit a picker's text names: an official code (links carry codes), a label as
    `unit_label` writes it, or a name only one unit in scope matches. None when empty;
    NotFound outside the scope or when nothing matches, DomainError when several do."""
    text = text.strip()
    if not text:
        return None
    units = _pickable(user=user, permission=permission, levels=levels)
    by_code = units.filter(code=text).first()
    if by_code is not None:
        return by_code
    wanted = normalize_name(text, fold_diacritics=True)
    # By name only: a code prefix ("37") would match every unit of a province.
    name = normalize_name(text.split(",")[0], fold_diacritics=True)
    candidates = list(units.filter(search_name__contains=name)[:UNIT_PICK_LIMIT])
    exact = [u for u in candidates if normalize_name(unit_label(u), fold_diacritics=True) == wanted]
    matches = exact or candidates
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(
            _("Không có đơn vị “%(text)s” trong phạm vi của bạn: chọn trong danh sách gợi ý.")
            % {"text": text}
        )
    raise DomainError(
        _(
            "Có nhiều đơn vị khớp với “%(text)s”: chọn một trong danh sách gợi ý, "
            "ví dụ “%(example)s”."
        )
        % {"text": text, "example": unit_label(matches[0])}
    )
