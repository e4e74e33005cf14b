"""Officers' pages for the placed registries (see `specs`): one list, detail, create and
edit, and photo actions, parametrised by the registry's spec, plus the registries'
index page. `urlpatterns()` gives each registry its routes: "registry:<name>-list",
"-detail", "-create", "-edit"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langso.core.errors import AccessDenied, DomainError, NotFound
from langso.core.files import file_response
from langso.core.selectors import audit_history

from ..forms_registries import (
    PhotoForm,
    RegistryForm,
    registry_filter_form_class,
    registry_form_class,
    registry_initial,
)
from ..models import Placed
from ..selectors.economy import photo_get, photo_list
from ..selectors.pins import pin_figure_for_new_row, pin_figure_for_row
from ..selectors.placed import (
    BadFilter,
    RegistryFilters,
    registry_can_manage,
    registry_get_for_user,
    registry_page_for_user,
)
from ..services.economy import photo_add, photo_delete, photo_reorder
from ..services.placed import RegistryInvalid, registry_create, registry_update
from ..specs import SPECS, RegistrySpec, model_field

PAGE_SIZE = 50
HISTORY_LIMIT = 50
Spec = RegistrySpec[Any]


# ---------------------------------------------------------------------------------------
# Showing values


def display_value(spec: Spec, row: Placed, name: str) -> str:
    """A field's value as an officer reads it: choice labels, dd/mm/yyyy, Có/Không,
    references by their keys; empty when unknown."""
    if name in spec.refs:
        target = getattr(row, name)
        return str(getattr(target, spec.refs[name].key)) if target is not None else ""
    return _shown(spec, name, getattr(row, name))


def _shown(spec: Spec, name: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        # 35000 as "35.000" and 14.50 as "14,5", never "3.5E+4".
        value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
        return formats.number_format(value, force_grouping=True)
    if name in spec.plain_fields:
        choices = dict(model_field(spec.model, name).flatchoices)
        if choices:
            return str(choices.get(value, value))
    return str(value)


def _history(spec: Spec, row: Placed) -> list[dict[str, Any]]:
    return [
        {
            "entry": entry,
            "changes": [
                (spec.label(name), old_shown, new_shown)
                for name, (old, new) in entry.changes.items()
                for old_shown, new_shown in [
                    (_history_value(spec, name, old), _history_value(spec, name, new))
                ]
                # A new row's empty fields are no news.
                if old_shown or new_shown
            ],
        }
        for entry in audit_history(instance=row)[:HISTORY_LIMIT]
    ]


def _history_value(spec: Spec, name: str, value: Any) -> str:
    if isinstance(value, bool) or (isinstance(value, str) and name in spec.plain_fields):
        return _shown(spec, name, value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


# ---------------------------------------------------------------------------------------
# Pages


def _row(request: HttpRequest, spec: Spec, key: str) -> Placed:
    row: Placed = registry_get_for_user(spec=spec, user=request.user, key=key)
    return row


def _managed_row(request: HttpRequest, spec: Spec, key: str) -> Placed:
    row = _row(request, spec, key)
    if not registry_can_manage(user=request.user, row=row):
        # In scope but only to view (a digital-team member): 403, saying nothing more.
        raise PermissionDenied
    return row


def _detail_url(spec: Spec, row: Placed) -> str:
    return reverse(f"registry:{spec.name}-detail", args=[getattr(row, spec.key)])


@login_required
@require_GET
def registry_index(request: HttpRequest) -> HttpResponse:
    """The registries, with links to their lists (and the households' and the map's)."""
    return render(
        request,
        "registry/index.html",
        {
            "registries": [
                {
                    "title": spec.verbose_name_plural,
                    "list_url": reverse(f"registry:{spec.name}-list"),
                    "create_url": reverse(f"registry:{spec.name}-create"),
                    "name": spec.name,
                }
                for spec in SPECS.values()
            ],
            "can_manage": registry_can_manage(user=request.user),
        },
    )


@login_required
@require_GET
def registry_list(request: HttpRequest, spec: Spec) -> HttpResponse:
    """Newest first, keyset-paged; filters by unit, search text and the registry's own."""
    form = registry_filter_form_class(spec)(request.GET or None, user=request.user)
    filters, after = RegistryFilters(), None
    if form.is_valid():
        filters = RegistryFilters(
            unit=form.cleaned_data["unit"], q=form.cleaned_data["q"], choices=form.choices()
        )
        after = form.cleaned_data["after"]
    try:
        page = registry_page_for_user(
            spec=spec, user=request.user, filters=filters, after=after, limit=PAGE_SIZE
        )
    except BadFilter as exc:  # pragma: no cover - the form only offers known values
        raise Http404(exc.message) from exc
    next_url = None
    if page.next_after is not None:
        query = request.GET.copy()
        query["after"] = str(page.next_after)
        next_url = f"?{query.urlencode()}"
    rows = [
        {
            "key": getattr(row, spec.key),
            "title": str(row),
            "url": _detail_url(spec, row),
            "unit": row.unit,
            "commune": row.commune,
            "cells": [display_value(spec, row, name) for name in spec.columns],
        }
        for row in page.rows
    ]
    return render(
        request,
        "registry/_registry_list.html",
        {
            "spec": spec,
            "title": spec.verbose_name_plural,
            "form": form,
            "rows": rows,
            "columns": [spec.label(name) for name in spec.columns],
            "key_label": spec.label(spec.key),
            "next_url": next_url,
            "is_first_page": after is None,
            "can_create": registry_can_manage(user=request.user),
            "create_url": reverse(f"registry:{spec.name}-create"),
        },
    )


@login_required
@require_GET
def registry_detail(request: HttpRequest, spec: Spec, key: str) -> HttpResponse:
    row = _row(request, spec, key)
    can_manage = registry_can_manage(user=request.user, row=row)
    facts = [
        (spec.label(name), display_value(spec, row, name)) for name in (spec.key, *spec.fields)
    ]
    return render(
        request,
        "registry/_registry_detail.html",
        {
            "spec": spec,
            "row": row,
            "key": getattr(row, spec.key),
            "title": str(row),
            "facts": facts,
            "history": _history(spec, row),
            "photos": photo_list(subject=row) if spec.has_photos else [],
            "photo_form": PhotoForm() if spec.has_photos and can_manage else None,
            "can_manage": can_manage,
            "list_url": reverse(f"registry:{spec.name}-list"),
        }
        | {"figure": pin_figure_for_row(row=row)},
    )


def _form_page(
    request: HttpRequest,
    spec: Spec,
    form: RegistryForm,
    save: Callable[[], Placed],
    *,
    done: str,
    title: str,
    row: Placed | None = None,
) -> HttpResponse:
    """The create and edit pages alike: on a valid POST, `save` (the service); saved,
    `done` (with the row's kind and key) and the row's page; refused, the reasons on the
    form, shown again. Without access the service's AccessDenied is the unit's field
    error: the page is the user's own, so it may say why."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except (RegistryInvalid, AccessDenied) as exc:
            form.add_service_errors(exc, field="unit")
        else:
            key = getattr(saved, spec.key)
            messages.success(request, done % {"what": spec.verbose_name, "key": key})
            return redirect(_detail_url(spec, saved))
    list_url = reverse(f"registry:{spec.name}-list")
    context: dict[str, Any] = {
        "spec": spec,
        "form": form,
        "title": title,
        "cancel_url": list_url if row is None else _detail_url(spec, row),
        "list_url": list_url,
        "figure": pin_figure_for_new_row(user=request.user)
        if row is None
        else pin_figure_for_row(row=row),
    }
    if row is not None:
        context |= {"row": row, "key": getattr(row, spec.key)}
    return render(request, "registry/_registry_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def registry_create_page(request: HttpRequest, spec: Spec) -> HttpResponse:
    if not registry_can_manage(user=request.user):
        raise PermissionDenied
    form = registry_form_class(spec, creating=True)(
        request.POST or None, initial={"unit": request.GET.get("unit", "")[:32]}, user=request.user
    )
    return _form_page(
        request,
        spec,
        form,
        lambda: registry_create(spec=spec, actor=request.user, values=form.values()),
        done=_("Đã thêm %(what)s %(key)s."),
        title=_("Thêm %(what)s") % {"what": spec.verbose_name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def registry_edit_page(request: HttpRequest, spec: Spec, key: str) -> HttpResponse:
    row = _managed_row(request, spec, key)
    form = registry_form_class(spec, creating=False)(
        request.POST or None, initial=registry_initial(spec, row), user=request.user
    )
    return _form_page(
        request,
        spec,
        form,
        lambda: registry_update(spec=spec, actor=request.user, instance=row, changes=form.values()),
        done=_("Đã lưu %(what)s %(key)s."),
        title=_("Sửa %(what)s %(key)s")
        % {"what": spec.verbose_name, "key": getattr(row, spec.key)},
        row=row,
    )


# ---------------------------------------------------------------------------------------
# Photos (products and tourism sites)


def _photo_done(request: HttpRequest, spec: Spec, row: Placed, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(f"{_detail_url(spec, row)}#anh")


def _photo_refused(request: HttpRequest, spec: Spec, row: Placed, exc: DomainError) -> HttpResponse:
    """A refused photo change: its reason on the row's page; a refusal of access or a
    missing photo rises to the 403 or 404 page (DomainErrorPages)."""
    if isinstance(exc, AccessDenied | NotFound):
        raise exc
    messages.error(request, exc.message)
    return redirect(f"{_detail_url(spec, row)}#anh")


@login_required
@require_POST
def photo_upload(request: HttpRequest, spec: Spec, key: str) -> HttpResponse:
    row = _managed_row(request, spec, key)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        reasons = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join(reasons))
        return redirect(f"{_detail_url(spec, row)}#anh")
    try:
        photo_add(
            spec=spec,
            actor=request.user,
            subject=row,
            upload=form.cleaned_data["image"],
            caption=form.cleaned_data["caption"],
        )
    except DomainError as exc:
        return _photo_refused(request, spec, row, exc)
    return _photo_done(request, spec, row, _("Đã thêm ảnh."))


@login_required
@require_GET
def photo_image(request: HttpRequest, spec: Spec, key: str, photo_id: int) -> HttpResponseBase:
    """A photo, to whoever may see its product or site. The showcase will show some to
    the public through its own route under the open-data rules; this one stays scoped."""
    row = _row(request, spec, key)
    photo = photo_get(subject=row, pk=photo_id)
    return file_response(photo.image, name=photo.name)


@login_required
@require_POST
def photo_remove(request: HttpRequest, spec: Spec, key: str, photo_id: int) -> HttpResponse:
    row = _managed_row(request, spec, key)
    try:
        photo_delete(spec=spec, actor=request.user, subject=row, photo_id=photo_id)
    except DomainError as exc:
        return _photo_refused(request, spec, row, exc)
    return _photo_done(request, spec, row, _("Đã xoá ảnh."))


@login_required
@require_POST
def photo_move(
    request: HttpRequest, spec: Spec, key: str, photo_id: int, direction: str
) -> HttpResponse:
    """Move a photo one place earlier ("len") or later ("xuong")."""
    if direction not in ("len", "xuong"):
        raise Http404
    row = _managed_row(request, spec, key)
    order = [photo.pk for photo in photo_list(subject=row)]
    if photo_id not in order:
        raise Http404(_("Không tìm thấy ảnh này."))
    index = order.index(photo_id)
    other = index - 1 if direction == "len" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        try:
            photo_reorder(spec=spec, actor=request.user, subject=row, order=order)
        except DomainError as exc:
            return _photo_refused(request, spec, row, exc)
    return redirect(f"{_detail_url(spec, row)}#anh")


# ---------------------------------------------------------------------------------------
# Routes


def registry_urlpatterns(spec: Spec) -> list[URLPattern]:
    """A registry's pages under its path, e.g. "hop-tac-xa/", "hop-tac-xa/them/",
    "hop-tac-xa/<code>/", "hop-tac-xa/<code>/sua/"."""
    kwargs = {"spec": spec}
    patterns = [
        path(f"{spec.path}/", registry_list, kwargs, name=f"{spec.name}-list"),
        path(f"{spec.path}/them/", registry_create_page, kwargs, name=f"{spec.name}-create"),
        path(f"{spec.path}/<str:key>/", registry_detail, kwargs, name=f"{spec.name}-detail"),
        path(f"{spec.path}/<str:key>/sua/", registry_edit_page, kwargs, name=f"{spec.name}-edit"),
    ]
    if spec.has_photos:
        patterns += [
            path(
                f"{spec.path}/<str:key>/anh/",
                photo_upload,
                kwargs,
                name=f"{spec.name}-photo-add",
            ),
            path(
                f"{spec.path}/<str:key>/anh/<int:photo_id>/",
                photo_image,
                kwargs,
                name=f"{spec.name}-photo",
            ),
            path(
                f"{spec.path}/<str:key>/anh/<int:photo_id>/xoa/",
                photo_remove,
                kwargs,
                name=f"{spec.name}-photo-delete",
            ),
            path(
                f"{spec.path}/<str:key>/anh/<int:photo_id>/<str:direction>/",
                photo_move,
                kwargs,
                name=f"{spec.name}-photo-move",
            ),
        ]
    return patterns


def urlpatterns() -> list[URLPattern]:
    """The index and every placed registry's pages."""
    patterns = [path("", registry_index, name="index")]
    for spec in SPECS.values():
        patterns += registry_urlpatterns(spec)
    return patterns
