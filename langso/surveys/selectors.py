"""Reads of survey forms, within the reader's reach: the forms used in their scope (a
commune officer sees their commune's forms, their province's and the national ones)."""

from __future__ import annotations

import csv
import io

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from langso.accounts.roles import ROLE_PERMISSIONS, Permission
from langso.accounts.selectors import (
    AnyUser,
    is_nationwide,
    role_list_for_user,
    unit_scope_q,
    user_has_unit_permission,
)
from langso.core.errors import NotFound
from langso.places.models import AdminUnit, Level
from langso.registry.models import COUNT_FIELDS, Household, HouseholdStatus
from langso.registry.selectors.scope import within_scope

from .models import FormAttachment, FormVersion, SurveyForm
from .openrosa import md5_hash


def _reach_q(user: AnyUser, permission: str = Permission.VIEW_SCOPED) -> Q:
    """Forms used under the units where the user holds `permission`, at one of their
    ancestors, or nationwide."""
    if is_nationwide(user=user, permission=permission):
        return Q()
    ancestors: set[int] = set()
    for assignment in role_list_for_user(user=user):
        unit = assignment.unit
        if unit is not None and permission in ROLE_PERMISSIONS[assignment.role]:
            ancestors.update(
                pk for pk in (unit.province_id, unit.district_id, unit.commune_id) if pk
            )
    return (
        Q(unit__isnull=True)
        | Q(unit__in=sorted(ancestors))
        | unit_scope_q(user=user, permission=permission, prefix="unit__")
    )


def collector_may_fill(*, user: AnyUser, form: SurveyForm) -> bool:
    """Whether `user` may fill `form`: it is used where they collect, above it, or
    nationwide (open or not: closing is checked apart, to say so)."""
    if not user.is_authenticated:
        return False
    return SurveyForm.objects.filter(
        _reach_q(user, Permission.COLLECT_SURVEYS), pk=form.pk
    ).exists()


def collector_forms(*, user: AnyUser) -> list[FormVersion]:
    """The newest version of every open form the collector may fill: their form list."""
    if not user.is_authenticated:
        return []
    forms = SurveyForm.objects.filter(_reach_q(user, Permission.COLLECT_SURVEYS), is_open=True)
    newest: dict[int, FormVersion] = {}
    for version in (
        FormVersion.objects.filter(form__in=forms)
        .defer("xform", "itemsets")
        .select_related("form")
        .prefetch_related("attachments")
        .order_by("form_id", "-published_at", "-pk")
    ):
        newest.setdefault(version.form_id, version)
    return sorted(newest.values(), key=lambda v: v.form.xml_form_id)


def collector_form_version(*, user: AnyUser, xml_form_id: str) -> FormVersion:
    """The newest version of one open form the collector may fill; NotFound otherwise."""
    for version in collector_forms(user=user):
        if version.form.xml_form_id == xml_form_id:
            return version
    raise NotFound(_("Không có biểu mẫu “%(id)s” cho bạn.") % {"id": xml_form_id[:64]})


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


# What the entity list of households carries for each one: ODK's name, label and
# __version, then the properties forms may show or update (`save_to`).
HOUSEHOLD_PROPERTIES = (
    *COUNT_FIELDS,
    "broadband",
    "mobile_coverage",
)


def _households_csv(user: AnyUser) -> bytes:
    """Households of the villages where the collector collects, and nothing else: a
    team's phone never holds another village's list. Personal data stays out but for
    the head's name in the label, which the team needs to find the house."""
    households = within_scope(
        Household.objects.filter(status=HouseholdStatus.ACTIVE),
        user=user,
        permission=Permission.COLLECT_SURVEYS,
    ).order_by("address_code")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "label", "__version", "village", *HOUSEHOLD_PROPERTIES])
    for row in households.values_list(
        "address_code",
        "head_name",
        "house_number",
        "updated_at",
        "village__code",
        *HOUSEHOLD_PROPERTIES,
    ).iterator(chunk_size=2000):
        code, head, number, updated_at, village, *values = row
        label = " · ".join(part for part in (code, head, number) if part)
        # The time of the last change, in milliseconds: it grows with every change, as
        # ODK's entity versions must.
        version = int(updated_at.timestamp() * 1000)
        writer.writerow(
            [code, label, version, village or "", *("" if v is None else v for v in values)]
        )
    return buffer.getvalue().encode()


def dataset_csv(*, user: AnyUser, version: FormVersion, dataset: str) -> bytes:
    """A file the platform writes for the collector in place of an upload."""
    if dataset == "households":
        return _households_csv(user)
    if dataset == "itemsets":
        return FormVersion.objects.values_list("itemsets", flat=True).get(pk=version.pk).encode()
    raise NotFound(dataset)


def dataset_hash(*, user: AnyUser, version: FormVersion, dataset: str) -> str:
    return md5_hash(dataset_csv(user=user, version=version, dataset=dataset))
