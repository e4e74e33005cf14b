"""Forms of the accounts pages: they validate input and resolve names to objects; the
rules of who may grant what live in `services`."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from langso.core.actors import Actor
from langso.core.errors import DomainError, TooManyAttempts
from langso.places.models import AdminUnit, Level

from . import throttle
from .models import User
from .roles import Permission, Role
from .selectors import (
    roles_grantable_somewhere,
    two_factor_enrolled,
    user_get_by_username,
)
from .services import role_grant_check, totp_verify
from .unit_picker import UnitPickerField


class ThrottledSignInMixin:
    """Refuse while the account or the client's address is locked (`throttle`), before
    the password is even checked; count each wrong password or code against both."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]

    if TYPE_CHECKING:
        # The authentication form's; declared here only for the type checker.
        def get_user(self) -> Any: ...

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username is None or self.request is None:
            return super().clean()  # type: ignore[misc, no-any-return]  # the form's clean
        address = throttle.client_address(self.request)
        try:
            throttle.signin_check(door=throttle.WEB, username=username, address=address)
        except TooManyAttempts as exc:
            raise forms.ValidationError(exc.message, code="throttled") from exc
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]  # the form's clean
            self.second_factor_check()
        except forms.ValidationError as exc:
            if getattr(exc, "code", None) in {"invalid_login", "invalid_code"}:
                throttle.signin_failed(door=throttle.WEB, username=username, address=address)
            raise
        if self.signs_in():
            throttle.signin_succeeded(door=throttle.WEB, username=username)
        return cleaned

    def second_factor_check(self) -> None:
        """Raise ValidationError(code="invalid_code") when a second factor this form
        takes is wrong."""

    def signs_in(self) -> bool:
        """Whether the sign-in is complete once this form is valid."""
        return True


class LoginForm(ThrottledSignInMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: phân biệt chữ hoa, chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị khoá."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")

    def signs_in(self) -> bool:
        # An account with two-factor sign-in is signed in by the code page
        # (`views.sign_in_code`); its failures are kept until then.
        return not two_factor_enrolled(user=self.get_user())


class SignInCodeForm(forms.Form):
    """The second step of a two-factor sign-in: the code of the authenticator app."""

    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=8,
        help_text=_("Mã 6 chữ số trong ứng dụng xác thực (Google Authenticator, …)."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class AdminLoginForm(ThrottledSignInMixin, AdminAuthenticationForm):
    """The admin site's login, counted with the login page's. An account with two-factor
    sign-in gives its code here too."""

    code = forms.CharField(
        label=_("Mã xác thực (nếu đã bật xác thực hai bước)"), max_length=8, required=False
    )

    def second_factor_check(self) -> None:
        user = self.get_user()
        if user is None or not two_factor_enrolled(user=user):
            return
        code = self.cleaned_data.get("code") or ""
        if not code:
            raise forms.ValidationError(
                _("Tài khoản này dùng xác thực hai bước: nhập mã của ứng dụng xác thực."),
                code="invalid_code",
            )
        if not totp_verify(user=user, token=code):
            raise forms.ValidationError(
                _("Mã xác thực không đúng hoặc đã hết hạn."), code="invalid_code"
            )


class ResetRequestForm(PasswordResetForm):
    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["email"].label = _("Địa chỉ e-mail của tài khoản")

    def clean_email(self) -> str:
        """Count the request (each sends an e-mail), refused while the address asked for
        or the client is locked."""
        email: str = self.cleaned_data["email"]
        try:
            throttle.password_reset_count(
                email=email, address=throttle.client_address(self.request)
            )
        except TooManyAttempts as exc:
            raise forms.ValidationError(exc.message, code="throttled") from exc
        return email

    def get_users(self, email: str) -> Iterator[Any]:
        """Active accounts with this address, including those created without a password:
        here that means "not chosen yet" (see `user_create`), not "signs in elsewhere" as
        Django assumes, so the reset e-mail is how a new officer sets their first one."""
        wanted = _email_key(email)
        users = User.objects.filter(email__iexact=email, is_active=True)
        return (user for user in users if _email_key(user.email) == wanted)


def _email_key(address: str) -> str:
    return unicodedata.normalize("NFKC", address).casefold()


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]  # the stubs' generic user parameter; any user model is accepted
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")


class RoleAssignForm(forms.Form):
    """Grant a role to an existing account, on a unit picked from the granter's own."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò"))
    unit = UnitPickerField(
        label=_("Đơn vị"),
        # Roles are held on provinces, communes and villages; districts no longer exist.
        levels=(Level.PROVINCE, Level.COMMUNE, Level.VILLAGE),
        permission=Permission.ASSIGN_ROLES,
        required=False,
        help_text=_(
            "Gõ vài chữ của tên tỉnh, xã hoặc thôn rồi chọn trong danh sách gợi ý; "
            "để trống với vai trò quản trị trung ương."
        ),
    )

    def __init__(self, *args: Any, viewer: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        cast(UnitPickerField, self.fields["unit"]).bind(viewer)
        grantable = roles_grantable_somewhere(user=viewer)
        role_field = cast(forms.ChoiceField, self.fields["role"])
        role_field.choices = [(value, label) for value, label in Role.choices if value in grantable]

    @property
    def can_assign(self) -> bool:
        return bool(cast(forms.ChoiceField, self.fields["role"]).choices)

    def clean_username(self) -> Any:
        username: str = self.cleaned_data["username"]
        if not self.can_assign:
            # Whoever may grant nothing learns nothing about which accounts exist.
            raise forms.ValidationError(_("Bạn không có quyền phân quyền."))
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        if not role:
            return cleaned
        if role == Role.CENTRAL_ADMIN:
            # Held nationwide: a unit given with it is ignored.
            cleaned["unit"] = None
        else:
            cleaned["unit"] = self._unit(cleaned)
            if cleaned["unit"] is None:
                return cleaned
        username = cleaned.get("username")
        if username is None:
            return cleaned
        # The grant is judged before the account is looked up: a refusal must read the
        # same whether the username exists or not.
        try:
            role_grant_check(actor=self.viewer, role=role, unit=cleaned["unit"])
        except DomainError as exc:
            self.add_error(None, exc.message)
            return cleaned
        user = user_get_by_username(username=username)
        if user is None:
            self.add_error(
                "username",
                forms.ValidationError(
                    _("Không có tài khoản “%(username)s”."), params={"username": username}
                ),
            )
            return cleaned
        cleaned["user"] = user
        return cleaned

    def _unit(self, cleaned: dict[str, Any]) -> AdminUnit | None:
        """The unit picked, or None with the field's error."""
        unit: AdminUnit | None = cleaned.get("unit")
        if unit is None and "unit" not in self.errors:
            self.add_error("unit", _("Chọn đơn vị của vai trò."))
        return unit
