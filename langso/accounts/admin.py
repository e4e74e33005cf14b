"""Django admin for accounts. Role assignments go through the same services as the pages:
the same scope rules, the same audit trail; an assignment is revoked and granted again,
never edited in place."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from langso.core.actors import Actor
from langso.core.errors import DomainError

from . import selectors, services
from .forms import AdminLoginForm
from .models import RoleAssignment, User

# The admin login counts wrong passwords with the login page's (`throttle`), and asks
# accounts with two-factor sign-in for their code.
admin.site.login_form = AdminLoginForm
admin.site.login_template = "accounts/admin_login.html"


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email", "phone")}),
        (
            _("Quyền hạn"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "phone", "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "full_name", "email", "phone", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email", "phone")
    ordering = ("username",)


class RoleAssignmentAdminForm(forms.ModelForm[RoleAssignment]):
    # The signed-in administrator, set by `RoleAssignmentAdmin.get_form`.
    actor: Actor

    class Meta:
        model = RoleAssignment
        fields = ("user", "role", "unit")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is None and "role" in cleaned:
            try:
                services.role_grant_check(
                    actor=self.actor, role=cleaned["role"], unit=cleaned.get("unit")
                )
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
        return cleaned


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin[RoleAssignment]):
    form = RoleAssignmentAdminForm
    list_display = ("user", "role", "unit", "granted_by", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "unit__code", "unit__name")
    raw_id_fields = ("user", "unit")
    list_select_related = ("user", "unit", "granted_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleAssignment]:
        return selectors.role_assignments_visible_to(user=request.user)

    def get_readonly_fields(
        self, request: HttpRequest, obj: RoleAssignment | None = None
    ) -> tuple[str, ...]:
        if obj is not None:
            return ("user", "role", "unit", "granted_by", "granted_at")
        return ("granted_by", "granted_at")

    def get_form(
        self,
        request: HttpRequest,
        obj: RoleAssignment | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm[RoleAssignment]]:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool
    ) -> None:
        if change:
            return
        created = services.role_assign(
            actor=request.user, user=obj.user, role=obj.role, unit=obj.unit
        )
        obj.pk = created.pk
        obj.granted_by = created.granted_by
        obj.granted_at = created.granted_at

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        services.role_revoke(actor=request.user, assignment=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        for assignment in queryset:
            services.role_revoke(actor=request.user, assignment=assignment)
