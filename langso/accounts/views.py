"""Pages of accounts: the role list with its assignment form, and revoking. Sign-in and
password reset are Django's own views with our templates and forms (see `urls`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from langso.core.errors import DomainError, NotFound

from .forms import RoleAssignForm
from .selectors import (
    can_grant,
    role_assignment_get_for_user,
    role_assignments_visible_to,
    role_list_for_user,
)
from .services import role_assign, role_revoke

ROLES_PER_PAGE = 50


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
        },
    )


@login_required
@require_POST
def role_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back one assignment; one outside the user's scope is answered 404."""
    try:
        assignment = role_assignment_get_for_user(user=request.user, assignment_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        role_revoke(actor=request.user, assignment=assignment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thu hồi vai trò: %(role)s.") % {"role": assignment})
    return redirect("accounts:role-list")
