"""Writes to accounts: granting and revoking roles, creating accounts.

Scope can never be widened by granting: the actor must hold ASSIGN_ROLES on the unit, and
the role must be one that a role the actor holds over that unit may grant. Revoking
follows the same rule: one may take back only what one could have given.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from langso.core.actors import Actor
from langso.core.db import for_update
from langso.core.errors import AccessDenied, DomainError
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.places.models import AdminUnit, Level

from .models import RoleAssignment, User
from .roles import ROLE_LEVELS, Role
from .selectors import (
    can_grant,
    role_cache_clear,
    two_factor_enrolled,
    two_factor_offered,
)

_AUDITED_ASSIGNMENT = ["user", "role", "unit", "granted_by"]
_AUDITED_USER = ["username", "full_name", "email", "phone", "is_active"]


def _role_label(role: str) -> str:
    return str(Role(role).label)


def role_grant_check(*, actor: Actor, role: str, unit: AdminUnit | None) -> None:
    """Raise unless `actor` may grant `role` on `unit`; writes nothing."""
    _check_scope(actor=actor, role=role, unit=unit)
    _check_placement(role=role, unit=unit)


def _check_scope(*, actor: Actor, role: str, unit: AdminUnit | None) -> None:
    """Raise unless `role` on `unit` is within what `actor` may grant or revoke."""
    if not actor.is_authenticated or not actor.is_active:
        raise AccessDenied(_("Bạn cần đăng nhập để phân quyền."))
    if role not in Role.values:
        raise DomainError(_("Vai trò “%(role)s” không tồn tại.") % {"role": role})
    if not can_grant(user=actor, role=role, unit=unit):
        if unit is None:
            raise AccessDenied(
                _("Bạn không có quyền cấp vai trò “%(role)s” trên toàn quốc.")
                % {"role": _role_label(role)}
            )
        raise AccessDenied(
            _("Bạn không có quyền cấp vai trò “%(role)s” tại %(unit)s.")
            % {"role": _role_label(role), "unit": unit.name}
        )


def _check_placement(*, role: str, unit: AdminUnit | None) -> None:
    """Raise unless `role` may be held on `unit`: its level, and a unit in force."""
    levels = ROLE_LEVELS[role]
    if not levels:
        if unit is not None:
            raise DomainError(
                _("Vai trò “%(role)s” áp dụng trên toàn quốc, không gắn với đơn vị.")
                % {"role": _role_label(role)}
            )
        return
    if unit is None or unit.level not in levels:
        raise DomainError(
            _("Vai trò “%(role)s” chỉ được giao ở cấp: %(levels)s.")
            % {
                "role": _role_label(role),
                "levels": ", ".join(str(Level(level).label).lower() for level in levels),
            }
        )
    if unit.valid_to is not None:
        raise DomainError(
            _("%(unit)s chỉ có hiệu lực đến %(day)s; chỉ phân quyền trên đơn vị hiện hành.")
            % {"unit": unit.name, "day": unit.valid_to.strftime("%d/%m/%Y")}
        )


@transaction.atomic
def role_assign(*, actor: Actor, user: User, role: str, unit: AdminUnit | None) -> RoleAssignment:
    """Grant `role` on `unit` (None for a central admin) to `user`."""
    role_grant_check(actor=actor, role=role, unit=unit)
    if not user.is_active:
        raise DomainError(
            _("Tài khoản %(username)s đã bị khoá.") % {"username": user.get_username()}
        )
    if RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
        raise DomainError(
            _("%(user)s đã có vai trò “%(role)s” %(where)s.")
            % {
                "user": user,
                "role": _role_label(role),
                "where": unit.name if unit else _("trên toàn quốc"),
            }
        )
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user,
                role=role,
                unit=unit,
                granted_by=actor if isinstance(actor, User) else None,
            )
    except IntegrityError as exc:
        # Another request granted the same role in between.
        raise DomainError(_("Vai trò này vừa được cấp cho người dùng.")) from exc
    audit_record(
        actor=actor,
        instance=assignment,
        action=AuditEntry.Action.CREATE,
        after=model_snapshot(assignment, _AUDITED_ASSIGNMENT),
    )
    role_cache_clear(user=user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    """Take back a role; allowed to whoever could have granted it."""
    locked = (
        for_update(RoleAssignment.objects.filter(pk=assignment.pk))
        .select_related("unit", "user")
        .first()
    )
    if locked is None:
        raise DomainError(_("Phân quyền này đã được thu hồi."))
    # Scope only: a role on a unit abolished since may (and should) still be taken back.
    _check_scope(actor=actor, role=locked.role, unit=locked.unit)
    audit_record(
        actor=actor,
        instance=locked,
        action=AuditEntry.Action.DELETE,
        before=model_snapshot(locked, _AUDITED_ASSIGNMENT),
    )
    locked.delete()
    role_cache_clear(user=assignment.user)
    role_cache_clear(user=locked.user)


def _validation_messages(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _user_new(*, username: str, full_name: str, email: str, password: str | None) -> User:
    """Validate and save a new account; no role, no audit."""
    username = username.strip()
    email = email.strip()
    if not username:
        raise DomainError(_("Tên đăng nhập không được để trống."))
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("Tên đăng nhập “%(username)s” đã có.") % {"username": username})
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError(
                _("Địa chỉ e-mail “%(email)s” không hợp lệ.") % {"email": email}
            ) from exc
    user = User(username=username, full_name=full_name.strip(), email=email)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(_validation_messages(exc)) from exc
        user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    full_name: str,
    email: str,
    password: str | None = None,
    role: str,
    unit: AdminUnit | None,
) -> User:
    """Create an account with its first role, under the same rules as `role_assign`: an
    officer creates accounts for their own subtree. Without a password the account
    cannot sign in until its owner sets one through password reset."""
    role_grant_check(actor=actor, role=role, unit=unit)
    user = _user_new(username=username, full_name=full_name, email=email, password=password)
    audit_record(
        actor=actor,
        instance=user,
        action=AuditEntry.Action.CREATE,
        after=model_snapshot(user, _AUDITED_USER),
    )
    role_assign(actor=actor, user=user, role=role, unit=unit)
    return user


@transaction.atomic
def central_admin_create(*, username: str, full_name: str, email: str, password: str) -> User:
    """The first central admin, from the command line where no actor exists yet. Every
    other account is created by someone in scope, through `user_create`."""
    user = _user_new(username=username, full_name=full_name, email=email, password=password)
    assignment = RoleAssignment.objects.create(user=user, role=Role.CENTRAL_ADMIN, unit=None)
    audit_record(
        actor=None,
        instance=user,
        action=AuditEntry.Action.CREATE,
        after=model_snapshot(user, _AUDITED_USER),
    )
    audit_record(
        actor=None,
        instance=assignment,
        action=AuditEntry.Action.CREATE,
        after=model_snapshot(assignment, _AUDITED_ASSIGNMENT),
    )
    return user


@transaction.atomic
def user_password_set(*, user: User, password: str) -> None:
    """Set a password after checking it against the password validators."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(_validation_messages(exc)) from exc
    user.set_password(password)
    user.save(update_fields=["password"])


# --- Two-factor sign-in (TOTP) ----------------------------------------------------------

_TOTP_NAME = "Làng Số"


def _token_valid(device: TOTPDevice, token: str) -> bool:
    """Check a code against the device, locked for the check: django-otp keeps the last
    step used (a code works once) and a growing delay after each wrong code. Its own
    transaction, committed even when the caller then refuses, so that the delay holds."""
    with transaction.atomic():
        locked = for_update(TOTPDevice.objects.filter(pk=device.pk)).first()
        return locked is not None and bool(locked.verify_token(token.strip()))


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The device being enrolled for `user`, new or the one shown before: its key goes
    into the authenticator app (QR code) and nothing changes at sign-in until it is
    confirmed with a code."""
    if not two_factor_offered(user=user):
        raise AccessDenied(_("Xác thực hai bước dành cho quản trị trung ương và cán bộ cấp tỉnh."))
    if two_factor_enrolled(user=user):
        raise DomainError(_("Tài khoản đã bật xác thực hai bước."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_TOTP_NAME, confirmed=False)
    return device


def _wrong_code() -> DomainError:
    return DomainError(
        _("Mã xác thực không đúng hoặc đã hết hạn: nhập mã 6 chữ số ứng dụng đang hiện.")
    )


def totp_enrolment_confirm(*, user: User, token: str) -> TOTPDevice:
    """Confirm the device being enrolled with a code the app shows; from then on `user`
    gives a code after the password. The code is checked before the transaction that
    confirms (see `_token_valid`)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise DomainError(_("Chưa có thiết bị nào đang đăng ký: hãy tải lại trang."))
    if not _token_valid(device, token):
        raise _wrong_code()
    with transaction.atomic():
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device.refresh_from_db()
        audit_record(
            actor=user,
            instance=device,
            action=AuditEntry.Action.CREATE,
            after={"confirmed": True},
        )
    return device


def totp_verify(*, user: User, token: str) -> bool:
    """Whether `token` is a valid code of one of `user`'s confirmed devices."""
    return any(
        _token_valid(device, token)
        for device in TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
    )


def totp_disable(*, user: User, token: str) -> None:
    """Turn two-factor sign-in off, proven with a current code (checked before the
    transaction, see `_token_valid`). A lost phone: a central admin deletes the device
    in the admin site."""
    if not totp_verify(user=user, token=token):
        raise _wrong_code()
    with transaction.atomic():
        for device in TOTPDevice.objects.filter(user=user):
            audit_record(
                actor=user,
                instance=device,
                action=AuditEntry.Action.DELETE,
                before={"confirmed": device.confirmed},
            )
            device.delete()
