"""Pages of accounts: sign-in (Django's login, then the code of a two-factor sign-in),
turning two-factor sign-in on and off, the role list with its assignment form, and
revoking. Password reset is Django's own views with our templates and forms (see
`urls`)."""

from __future__ import annotations

import base64
import time
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langso.core.errors import DomainError, TooManyAttempts
from langso.core.qr import qr_png
from langso.places.models import Level

from . import throttle
from .forms import RoleAssignForm, SignInCodeForm
from .models import User
from .roles import Permission
from .selectors import (
    can_grant,
    role_assignment_get_for_user,
    role_assignments_visible_to,
    role_list_for_user,
    two_factor_enrolled,
    two_factor_offered,
    unit_label,
    unit_pick_list,
    user_get_by_username,
)
from .services import (
    role_assign,
    role_revoke,
    totp_disable,
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_verify,
)

ROLES_PER_PAGE = 50


# A password accepted, waiting for the code: who, with which backend, since when, where to.
_PENDING_SIGN_IN = "langso_pending_sign_in"
_PENDING_SECONDS = 5 * 60


class SignInView(auth_views.LoginView):
    """Django's login; an account with two-factor sign-in goes on to the code page
    instead of being signed in."""

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not two_factor_enrolled(user=user):
            response: HttpResponse = super().form_valid(form)
            return response
        self.request.session[_PENDING_SIGN_IN] = {
            "username": user.get_username(),
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_redirect_url(),
        }
        return redirect("accounts:login-code")


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of a two-factor sign-in: the app's code, throttled with the
    passwords (per account and per address)."""
    pending = request.session.get(_PENDING_SIGN_IN) or {}
    user = (
        user_get_by_username(username=pending["username"])
        if pending and time.time() - pending["at"] < _PENDING_SECONDS
        else None
    )
    if user is None or not user.is_active:
        request.session.pop(_PENDING_SIGN_IN, None)
        messages.error(request, _("Phiên đăng nhập đã hết hạn: hãy nhập lại mật khẩu."))
        return redirect("accounts:login")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, address = user.get_username(), throttle.client_address(request)
        try:
            throttle.signin_check(door=throttle.WEB, username=username, address=address)
        except TooManyAttempts as exc:
            form.add_error(None, exc.message)
        else:
            if totp_verify(user=user, token=form.cleaned_data["code"]):
                del request.session[_PENDING_SIGN_IN]
                login(request, user, backend=pending["backend"])
                throttle.signin_succeeded(door=throttle.WEB, username=username)
                return redirect(pending["next"] or resolve_url(settings.LOGIN_REDIRECT_URL))
            throttle.signin_failed(door=throttle.WEB, username=username, address=address)
            form.add_error("code", _("Mã xác thực không đúng hoặc đã hết hạn."))
    return render(request, "accounts/login_code.html", {"form": form})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in on (a QR code for the app, then a code to confirm it) or
    off (with a code); offered to central and province administrators only."""
    if not two_factor_offered(user=request.user):
        raise PermissionDenied(
            _("Xác thực hai bước dành cho quản trị trung ương và cán bộ cấp tỉnh.")
        )
    user = cast(User, request.user)
    enrolled = two_factor_enrolled(user=user)
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if enrolled:
                totp_disable(user=user, token=form.cleaned_data["code"])
            else:
                totp_enrolment_confirm(user=user, token=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(
                request,
                _("Đã tắt xác thực hai bước.")
                if enrolled
                else _("Đã bật xác thực hai bước: từ nay nhập mã của ứng dụng sau mật khẩu."),
            )
            return redirect("accounts:two-factor")
    context: dict[str, Any] = {"form": form, "enrolled": enrolled}
    if not enrolled:
        device = totp_enrolment_start(user=user)
        secret = base64.b32encode(device.bin_key).decode()
        context |= {
            "qr": base64.b64encode(qr_png(device.config_url, box_size=6)).decode(),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        }
    return render(request, "accounts/two_factor.html", context)


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Django's view, handing the request to the form, which counts requests per client."""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs


@login_required
@require_http_methods(["GET", "POST"])
def role_list(request: HttpRequest) -> HttpResponse:
    """The assignments the user may manage, and a form to grant a role."""
    form = RoleAssignForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = role_assign(
                actor=request.user,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                unit=form.cleaned_data["unit"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã cấp vai trò: %(role)s.") % {"role": assignment})
            return redirect("accounts:role-list")
    page = Paginator(role_assignments_visible_to(user=request.user), ROLES_PER_PAGE).get_page(
        request.GET.get("trang")
    )
    rows = [(a, can_grant(user=request.user, role=a.role, unit=a.unit)) for a in page]
    return render(
        request,
        "accounts/role_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "my_roles": role_list_for_user(user=request.user),
            "two_factor_offered": two_factor_offered(user=request.user),
        },
    )


@login_required
@require_POST
def role_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back one assignment; one outside the user's scope is answered 404
    (`role_assignment_get_for_user`'s NotFound, through the middleware)."""
    assignment = role_assignment_get_for_user(user=request.user, assignment_id=pk)
    try:
        role_revoke(actor=request.user, assignment=assignment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thu hồi vai trò: %(role)s.") % {"role": assignment})
    return redirect("accounts:role-list")


# Levels a picker may ask for: the tree's current levels (districts were abolished in 2025).
_PICKER_LEVELS = (Level.PROVINCE, Level.COMMUNE, Level.VILLAGE)


@login_required
@require_GET
def unit_options(request: HttpRequest) -> HttpResponse:
    """The suggestions of a unit picker (`unit_picker.UnitPickerWidget`), asked by htmx
    as the user types: <option>s of the user's own units whose name holds the text,
    within their scope for the picker's permission."""
    levels = [level for level in request.GET.getlist("level") if level in _PICKER_LEVELS]
    permission = request.GET.get("permission", "")
    if permission not in Permission.values:
        permission = Permission.VIEW_SCOPED
    text = request.GET.get(request.GET.get("field", "q"), "")[:100]
    units = unit_pick_list(
        user=request.user, permission=permission, levels=levels or _PICKER_LEVELS, q=text
    )
    return render(
        request,
        "accounts/widgets/unit_options.html",
        {"options": [unit_label(unit) for unit in units]},
    )
