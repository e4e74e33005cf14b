"""Officers' pages for households: list with filters and search, detail with freshness,
likely duplicates, history and a map pin, create, edit, status, door-plate QR code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import GEOSGeometry, Point
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langso.accounts.roles import Permission
from langso.accounts.selectors import user_has_unit_permission
from langso.core.errors import AccessDenied, DomainError
from langso.core.models import AuditEntry
from langso.core.pagination import next_page_query
from langso.places.models import Level

from ..duplicates import likely_duplicate_dismiss
from ..forms import HouseholdFilterForm, HouseholdForm, HouseholdStatusForm
from ..models import FIELD_GROUPS, Household, Source
from ..qr import household_qr_png
from ..selectors import households as selectors
from ..selectors.pins import pin_figure_for_new_row, pin_figure_for_row
from ..services import households as services

PAGE_SIZE = 50

GROUP_TITLES = {
    "identity": gettext_lazy("Định danh và địa chỉ"),
    "composition": gettext_lazy("Nhân khẩu"),
    "readiness": gettext_lazy("Sẵn sàng số"),
    "connectivity": gettext_lazy("Kết nối và thiết bị"),
    "location": gettext_lazy("Vị trí"),
}


def _household(request: HttpRequest, address_code: str) -> Household:
    return selectors.household_get_for_user(user=request.user, address_code=address_code)


def _can_manage(request: HttpRequest, household: Household) -> bool:
    return bool(request.user.has_perm(Permission.MANAGE_REGISTRIES, household.unit))


def _managed_household(request: HttpRequest, address_code: str) -> Household:
    """The household, if the user may change it. In scope but only to view (a
    digital-team member), the service's AccessDenied is the 403 page, saying nothing more."""
    household = _household(request, address_code)
    services.household_manage_check(actor=request.user, household=household)
    return household


# ---------------------------------------------------------------------------------------
# List


@login_required
@require_GET
def household_list(request: HttpRequest) -> HttpResponse:
    """Households in scope, newest first, 50 a page by keyset: no COUNT, no OFFSET."""
    form = HouseholdFilterForm(request.GET or None, user=request.user)
    page = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        filters = selectors.HouseholdFilters.of(data)
        try:
            page = selectors.household_list_for_user(
                user=request.user, filters=filters, after=data.get("after"), limit=PAGE_SIZE
            )
        except selectors.HouseholdFilterInvalid as exc:
            form.add_error(exc.param if exc.param in form.fields else None, exc.message)
    return render(
        request,
        "registry/household_list.html",
        {
            "form": form,
            "households": page.rows if page else [],
            "next_url": next_page_query(request.GET, page),
            "is_later_page": bool(request.GET.get("after")),
            "can_create": request.user.has_perm(Permission.MANAGE_REGISTRIES),
        },
    )


# ---------------------------------------------------------------------------------------
# Detail


@dataclass(frozen=True)
class _Group:
    title: str
    rows: list[tuple[str, Any]]
    updated_at: Any
    source: str


def _display(household: Household, field: str) -> Any:
    if field == "village":
        return household.village or household.commune
    if field == "location":
        point = household.location
        return f"{point.y:.6f}, {point.x:.6f}" if point else None
    display = getattr(household, f"get_{field}_display", None)
    value = getattr(household, field)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if display is not None and value:
        return display()
    return value


def _groups(household: Household) -> list[_Group]:
    """Fields by group, each with when and from where it was last updated."""
    groups = []
    for group, fields in FIELD_GROUPS.items():
        source = getattr(household, f"{group}_source")
        groups.append(
            _Group(
                title=str(GROUP_TITLES[group]),
                rows=[
                    (services.field_label(field), _display(household, field)) for field in fields
                ],
                updated_at=getattr(household, f"{group}_updated_at"),
                source=str(Source(source).label) if source else "",
            )
        )
    return groups


@dataclass(frozen=True)
class _Change:
    label: str
    old: Any
    new: Any


_CHOICES: dict[str, dict[Any, str]] = {
    field.name: {value: str(label) for value, label in field.flatchoices}
    for field in Household._meta.concrete_fields
    if field.choices
}


_HIDDEN_IN_HISTORY = frozenset({"province", "commune"})


def _history(household: Household) -> list[tuple[AuditEntry, list[_Change]]]:
    """The trail as a reader wants it: labels, choice names, units and codes by name,
    points as "lat, lon"; ancestor ids (which follow the village) and empty-to-empty
    values left out."""
    entries = selectors.household_history(household=household)
    units, codes = selectors.household_history_names(entries=entries)

    def shown(field: str, value: Any) -> Any:
        if value is None or value == "":
            return None
        if field == "village":
            return units.get(value, value)
        if field == "merged_into":
            return codes.get(value, value)
        if field == "location":
            point = GEOSGeometry(value)
            return f"{point.y:.6f}, {point.x:.6f}" if isinstance(point, Point) else value
        if isinstance(value, bool):
            return _("Có") if value else _("Không")
        choices = _CHOICES.get(field)
        return choices.get(value, value) if choices else value

    return [
        (
            entry,
            [
                _Change(
                    label=services.field_label(field),
                    old=shown(field, old),
                    new=shown(field, new),
                )
                for field, (old, new) in sorted(entry.changes.items())
                if field not in _HIDDEN_IN_HISTORY
                and (old not in (None, "") or new not in (None, ""))
            ],
        )
        for entry in entries
    ]


@login_required
@require_GET
def household_detail(request: HttpRequest, address_code: str) -> HttpResponse:
    household = _household(request, address_code)
    can_manage = _can_manage(request, household)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "groups": _groups(household),
            "duplicates": selectors.likely_duplicates_for_household(
                user=request.user, household=household
            ),
            "history": _history(household),
            # The commune's breadcrumb opens its household list only for a reader whose
            # scope holds the commune (a village head's does not).
            "commune_listed": user_has_unit_permission(
                user=request.user, permission=Permission.VIEW_SCOPED, unit=household.commune
            ),
            "can_manage": can_manage,
            "status_form": HouseholdStatusForm(initial={"status": household.status})
            if can_manage
            else None,
        }
        | {"figure": pin_figure_for_row(row=household)},
    )


@login_required
@require_GET
def household_qr(request: HttpRequest, address_code: str) -> HttpResponse:
    """The door plate's QR code: a PNG of the address code."""
    household = _household(request, address_code)
    response = HttpResponse(household_qr_png(household), content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    response["Content-Disposition"] = f'inline; filename="{household.address_code}.png"'
    return response


# ---------------------------------------------------------------------------------------
# Create, edit, status, dismiss


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(Permission.MANAGE_REGISTRIES):
        raise PermissionDenied
    form = HouseholdForm(
        request.POST or None,
        initial={"village": request.GET.get("village", "")[:32]},
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        unit = selectors.household_unit_get(code=form.cleaned_data["village"])
        try:
            if unit is None:
                raise services.HouseholdInvalid({"village": _("Không có thôn hoặc xã mã này.")})
            household = services.household_create(
                actor=request.user,
                village=unit if unit.level == Level.VILLAGE else None,
                commune=unit if unit.level == Level.COMMUNE else None,
                values=form.values(),
            )
        except (services.HouseholdInvalid, AccessDenied) as exc:
            # Without access, the village's error: the page is the user's own, so it may
            # say why.
            form.add_service_errors(exc, field="village")
        else:
            messages.success(request, _("Đã thêm hộ %(code)s.") % {"code": household.address_code})
            return redirect("registry:household-detail", household.address_code)
    return render(
        request,
        "registry/household_form.html",
        {
            "form": form,
            "title": _("Thêm hộ gia đình"),
            "figure": pin_figure_for_new_row(user=request.user),
        },
    )


def _initial(household: Household) -> dict[str, Any]:
    initial: dict[str, Any] = {
        field: getattr(household, field)
        for field in HouseholdForm.base_fields
        if field not in ("village", "lat", "lon", "address_code")
    }
    initial["village"] = (household.village or household.commune).code
    if household.address_code_kind == "national":
        initial["address_code"] = household.address_code
    if household.location:
        initial |= {"lat": household.location.y, "lon": household.location.x}
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, address_code: str) -> HttpResponse:
    household = _managed_household(request, address_code)
    form = HouseholdForm(request.POST or None, initial=_initial(household), user=request.user)
    if request.method == "POST" and form.is_valid():
        values = form.values(changed_only=True)
        try:
            if "village" in form.changed_data:
                unit = selectors.household_unit_get(code=form.cleaned_data["village"])
                if unit is None or unit.level != Level.VILLAGE:
                    raise services.HouseholdInvalid({"village": _("Không có thôn mã này.")})
                values["village"] = unit
            household = services.household_update(
                actor=request.user, household=household, values=values
            )
        except (services.HouseholdInvalid, AccessDenied) as exc:
            # Without access, the village's error: the page is the user's own, so it may
            # say why.
            form.add_service_errors(exc, field="village")
        else:
            messages.success(request, _("Đã lưu hộ %(code)s.") % {"code": household.address_code})
            return redirect("registry:household-detail", household.address_code)
    return render(
        request,
        "registry/household_form.html",
        {
            "form": form,
            "household": household,
            "title": _("Sửa hộ %(code)s") % {"code": household.address_code},
        }
        | {"figure": pin_figure_for_row(row=household)},
    )


@login_required
@require_POST
def household_status(request: HttpRequest, address_code: str) -> HttpResponse:
    household = _managed_household(request, address_code)
    form = HouseholdStatusForm(request.POST)
    if form.is_valid():
        merged_into = None
        try:
            if code := form.cleaned_data["merged_into"].strip():
                merged_into = selectors.household_get_for_user(user=request.user, address_code=code)
            services.household_set_status(
                actor=request.user,
                household=household,
                status=form.cleaned_data["status"],
                merged_into=merged_into,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã cập nhật tình trạng của hộ."))
    else:
        messages.error(request, _("Tình trạng không hợp lệ."))
    return redirect("registry:household-detail", household.address_code)


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a likely-duplicate flag and go back to the household it was read from."""
    pair = selectors.likely_duplicate_get_for_user(user=request.user, pair_id=pk)
    likely_duplicate_dismiss(actor=request.user, pair=pair)
    messages.success(request, _("Đã ghi nhận: hai hộ này khác nhau."))
    back = request.POST.get("household", "")[:40]
    return redirect("registry:household-detail", back or pair.household.address_code)
