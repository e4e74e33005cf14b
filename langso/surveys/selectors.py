"""Reads of survey forms, within the reader's reach: the forms used in their scope (a
commune officer sees their commune's forms, their province's and the national ones)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import (
    AnyUser,
    is_nationwide,
    role_list_for_user,
    unit_scope_q,
    user_has_unit_permission,
)
from langso.core.errors import NotFound
from langso.places.models import AdminUnit, Level

from .models import FormAttachment, FormVersion, SurveyForm


def _reach_q(user: AnyUser) -> Q:
    """Forms used under the user's units, at one of their ancestors, or nationwide."""
    if is_nationwide(user=user, permission=Permission.VIEW_SCOPED):
        return Q()
    ancestors: set[int] = set()
    for assignment in role_list_for_user(user=user):
        unit = assignment.unit
        if unit is not None:
            ancestors.update(
                pk for pk in (unit.province_id, unit.district_id, unit.commune_id) if pk
            )
    return (
        Q(unit__isnull=True)
        | Q(unit__in=sorted(ancestors))
        | unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="unit__")
    )


def form_list_for_user(*, user: AnyUser) -> QuerySet[SurveyForm]:
    """The forms the user may see, with their unit, newest first."""
    if not user.is_authenticated:
        return SurveyForm.objects.none()
    return (
        SurveyForm.objects.filter(_reach_q(user))
        .select_related("unit")
        .defer("unit__boundary")
        .order_by("-created_at", "-pk")
    )


def form_get_for_user(*, user: AnyUser, pk: int) -> SurveyForm:
    """One form within the user's reach, with its versions newest first; NotFound
    otherwise, as if it did not exist."""
    versions = FormVersion.objects.select_related("published_by").order_by("-published_at", "-pk")
    form = (
        form_list_for_user(user=user)
        .prefetch_related(Prefetch("versions", queryset=versions))
        .filter(pk=pk)
        .first()
    )
    if form is None:
        raise NotFound(_("Không tìm thấy biểu mẫu này."))
    return form


def form_attachments(*, version: FormVersion) -> list[FormAttachment]:
    return list(version.attachments.order_by("name"))


def form_may_manage(*, user: AnyUser, form: SurveyForm) -> bool:
    if form.unit is None:
        return is_nationwide(user=user, permission=Permission.MANAGE_FORMS)
    return user_has_unit_permission(user=user, permission=Permission.MANAGE_FORMS, unit=form.unit)


def form_publish_units(*, user: AnyUser) -> list[AdminUnit]:
    """Current provinces and communes where the user may publish forms (a commune
    officer: their commune; a province officer: the province and its communes)."""
    return list(
        AdminUnit.objects.current()
        .filter(level__in=(Level.PROVINCE, Level.COMMUNE))
        .filter(unit_scope_q(user=user, permission=Permission.MANAGE_FORMS))
        .order_by("level", "code")
        .only("id", "code", "name", "level")[:500]
    )
