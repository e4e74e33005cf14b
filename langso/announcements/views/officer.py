"""The officers' announcement pages (/thong-bao/): the unit's announcements, compose and
edit a draft, preview what sending would do, send (POST, confirmed), the detail, the
attachments, the villages' self-management groups and the households' consent. Reading
needs the scope; composing and sending, the officers who keep the unit's households
(the services check it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langso.accounts.roles import Permission
from langso.accounts.selectors import scope_unit, unit_get_for_user
from langso.core.files import file_response
from langso.core.forms import RefusalShown
from langso.core.uploads import upload_size_limit
from langso.places.models import AdminUnit, Level

from ..forms import ComposeForm, ConfirmForm, GroupAddForm, GroupForm, address_codes
from ..models import Announcement, AnnouncementStatus
from ..selectors import announcements as selectors
from ..selectors.audience import Audience
from ..selectors.preview import announcement_preview, too_long
from ..selectors.reach import announcement_get_for_user
from ..services import compose as compose_services
from ..services import groups as group_services
from ..services import send as send_services
from ..services.audience import audience_build
from ..services.consent import village_consents_set


def _unit(request: HttpRequest, code: str, permission: str = Permission.VIEW_SCOPED) -> AdminUnit:
    return unit_get_for_user(user=request.user, code=code, permission=permission)


@login_required
@require_GET
def announcement_list(request: HttpRequest) -> HttpResponse:
    """The announcements of `?unit=` (default: the reader's own unit) and below."""
    code = request.GET.get("unit", "")
    unit = (
        _unit(request, code)
        if code
        else scope_unit(user=request.user, permission=Permission.VIEW_SCOPED)
    )
    return render(
        request,
        "announcements/list.html",
        {
            "unit": unit,
            "announcements": selectors.announcement_list_for_user(user=request.user, unit=unit),
            "may_send": unit is not None and selectors.may_send(user=request.user, unit=unit),
            "villages": selectors.villages_of(unit=unit),
        },
    )


def _audience(form: ComposeForm, unit: AdminUnit) -> Audience:
    data = form.cleaned_data
    return audience_build(
        unit=unit,
        units=list(data["units"]),
        groups=list(data.get("groups") or []),
        filters=data["filters"],
        household_codes=address_codes(data["households"]),
    )


def _values(form: ComposeForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in compose_services.COMPOSED_FIELDS}


def _compose_page(
    request: HttpRequest, unit: AdminUnit, announcement: Announcement | None
) -> HttpResponse:
    initial: dict[str, Any] = {"units": [unit.pk]}
    if announcement is not None:
        initial = selectors.compose_initial(announcement=announcement)
    form = ComposeForm(request.POST or None, request.FILES or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        with RefusalShown(form=form) as refusal:
            saved = compose_services.announcement_compose(
                actor=request.user,
                unit=unit,
                audience=_audience(form, unit),
                attachment=form.cleaned_data["attachment"],
                draft=announcement,
                **_values(form),
            )
        if not refusal.failed:
            messages.success(request, _("Đã lưu bản nháp. Xem trước số hộ nhận rồi gửi."))
            return redirect("announcements:preview", saved.pk)
    return render(
        request,
        "announcements/compose.html",
        {"form": form, "unit": unit, "announcement": announcement},
    )


@login_required
@upload_size_limit(compose_services.MAX_ATTACHMENT_BYTES)
@require_http_methods(["GET", "POST"])
def announcement_compose(request: HttpRequest, code: str) -> HttpResponse:
    return _compose_page(request, _unit(request, code, selectors.SEND_PERMISSION), None)


def _may_send(request: HttpRequest, announcement: Announcement) -> bool:
    return selectors.may_send(user=request.user, unit=announcement.unit)


def _to_send(request: HttpRequest, pk: int) -> Announcement:
    """The announcement, for one who may send from its unit (else 404 or 403)."""
    announcement = announcement_get_for_user(user=request.user, pk=pk)
    if not _may_send(request, announcement):
        raise PermissionDenied
    return announcement


@login_required
@upload_size_limit(compose_services.MAX_ATTACHMENT_BYTES)
@require_http_methods(["GET", "POST"])
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = _to_send(request, pk)
    if announcement.status != AnnouncementStatus.DRAFT:
        messages.error(request, _("Chỉ sửa được thông báo còn là bản nháp."))
        return redirect("announcements:detail", announcement.pk)
    return _compose_page(request, announcement.unit, announcement)


def _reach_url(announcement: Announcement) -> str | None:
    """The reach table of a sent announcement: a page of this app written alongside
    (issue 18, reach); None while its route is not there."""
    try:
        return reverse("announcements:reach", args=[announcement.pk])
    except NoReverseMatch:
        return None


@login_required
@require_GET
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = announcement_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "announcements/detail.html",
        {
            "announcement": announcement,
            "audience": selectors.audience_described(announcement=announcement),
            "attachments": list(announcement.attachments.order_by("pk")),
            "may_send": _may_send(request, announcement),
            "reach_url": _reach_url(announcement),
        },
    )


@login_required
@require_GET
def announcement_preview_page(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = announcement_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "announcements/preview.html",
        {
            "announcement": announcement,
            "preview": announcement_preview(announcement=announcement),
            "too_long": too_long(announcement=announcement),
            "may_send": _may_send(request, announcement)
            and announcement.status == AnnouncementStatus.DRAFT,
            "form": ConfirmForm(),
        },
    )


@login_required
@require_POST
def announcement_send(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = _to_send(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy đánh dấu xác nhận trước khi gửi."))
        return redirect("announcements:preview", announcement.pk)
    with RefusalShown(request) as refusal:
        sent = send_services.announcement_send(actor=request.user, announcement=announcement)
    if refusal.failed:
        return redirect("announcements:preview", announcement.pk)
    if sent.status == AnnouncementStatus.SCHEDULED:
        messages.success(request, _("Đã hẹn giờ gửi thông báo."))
    else:
        messages.success(
            request,
            _("Đã gửi thông báo đến %(count)s hộ.") % {"count": sent.audience_households},
        )
    return redirect("announcements:detail", announcement.pk)


@login_required
@require_POST
def announcement_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = _to_send(request, pk)
    with RefusalShown(request) as refusal:
        compose_services.announcement_cancel(actor=request.user, announcement=announcement)
    if not refusal.failed:
        messages.success(request, _("Đã hủy thông báo hẹn giờ."))
    return redirect("announcements:detail", announcement.pk)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    attachment = selectors.attachment_get_for_user(
        user=request.user, announcement_id=pk, pk=attachment_id
    )
    return file_response(attachment.file, name=attachment.name)


def _village(request: HttpRequest, code: str) -> AdminUnit:
    village = _unit(request, code)
    if village.level != Level.VILLAGE:
        raise PermissionDenied
    return village


@login_required
@require_http_methods(["GET", "POST"])
def group_list(request: HttpRequest, code: str) -> HttpResponse:
    """A village's self-management groups; its officers add one."""
    village = _village(request, code)
    may_keep = selectors.may_send(user=request.user, unit=village)
    form = GroupForm(request.POST or None)
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied
        if form.is_valid():
            with RefusalShown(form=form) as refusal:
                group = group_services.household_group_create(
                    actor=request.user, village=village, name=form.cleaned_data["name"]
                )
            if not refusal.failed:
                messages.success(request, _("Đã thêm tổ tự quản."))
                return redirect("announcements:group", group.pk)
    return render(
        request,
        "announcements/groups.html",
        {
            "village": village,
            "groups": selectors.group_list_for_village(village=village),
            "form": form,
            "may_keep": may_keep,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A group's households; the village's officers add households of the village."""
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    may_keep = selectors.may_send(user=request.user, unit=group.village)
    members = selectors.group_members(group=group)
    form = GroupAddForm(request.POST or None, choices=selectors.group_candidates(group=group))
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied
        if form.is_valid():
            with RefusalShown(form=form) as refusal:
                added = group_services.household_group_add(
                    actor=request.user,
                    group=group,
                    address_codes=form.cleaned_data["households"],
                )
            if not refusal.failed:
                messages.success(request, _("Đã thêm %(count)s hộ vào tổ.") % {"count": added})
                return redirect("announcements:group", group.pk)
    return render(
        request,
        "announcements/group.html",
        {"group": group, "members": members, "form": form, "may_keep": may_keep},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_list(request: HttpRequest, code: str) -> HttpResponse:
    """The village's households with a box each: consents to be told announcements on
    the head's phone, as the officer heard it."""
    village = _village(request, code)
    may_keep = selectors.may_send(user=request.user, unit=village)
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied
        ticked = {int(v) for v in request.POST.getlist("consenting") if v.isdigit()}
        with RefusalShown(request) as refusal:
            changed = village_consents_set(actor=request.user, village=village, consenting=ticked)
        if not refusal.failed:
            messages.success(request, _("Đã ghi nhận %(count)s thay đổi.") % {"count": changed})
        return redirect("announcements:consent", village.code)
    return render(
        request,
        "announcements/consent.html",
        {
            "village": village,
            "households": selectors.village_households(village=village),
            "consenting": selectors.village_consenting(village=village),
            "may_keep": may_keep,
        },
    )
