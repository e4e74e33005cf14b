"""Pages for browsing the administrative tree: province -> commune -> village, with search."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from langso.core import exports
from langso.core.errors import DomainError
from langso.core.tabular import MAX_FILE_BYTES, template_xlsx
from langso.core.uploads import upload_size_limit

from . import selectors
from .forms import (
    BoundaryImportForm,
    CommuneGroupForm,
    UploadForm,
    VillageCreateForm,
    VillageEditForm,
)
from .models import AdminUnit, Kind, Level
from .services import villages
from .services.access import (
    IMPORT_BOUNDARIES,
    MANAGE_VILLAGES,
    SET_COMMUNE_GROUP,
    VIEW_SCOPED,
    commune_group_set_check,
    village_commune,
    village_manage_check,
)
from .services.units import commune_group_set
from .tasks import boundaries_import_enqueue, village_import_rows_enqueue

_SEARCH_LIMIT = 50


def _valid_on(request: HttpRequest) -> dt.date:
    value = request.GET.get("valid_on", "")
    try:
        parsed = parse_date(value) if value else None
    except ValueError:
        parsed = None
    return parsed or selectors.today()


def unit_list(request: HttpRequest) -> HttpResponse:
    """The provinces in force on a day, or the units whose name matches `q`."""
    valid_on = _valid_on(request)
    q = request.GET.get("q", "").strip()[:100]
    context: dict[str, object] = {
        "valid_on": valid_on,
        "q": q,
        "levels": Level,
        "can_import_boundaries": request.user.has_perm(IMPORT_BOUNDARIES),
    }
    if q:
        page = selectors.unit_page(
            filters=selectors.UnitFilters(q=q, valid_on=valid_on), limit=_SEARCH_LIMIT
        )
        context |= {"results": page.units, "result_count": page.count}
    else:
        context["units"] = selectors.unit_children(unit=None, valid_on=valid_on)
    template = "places/_search_results.html" if request.headers.get("HX-Request") else None
    return render(request, template or "places/unit_list.html", context)


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    valid_on = _valid_on(request) if "valid_on" in request.GET else None
    unit = selectors.unit_get(code=code, valid_on=valid_on)
    day = valid_on or (unit.valid_to if unit.valid_to else selectors.today())
    return render(
        request,
        "places/unit_detail.html",
        {
            "unit": unit,
            "ancestors": selectors.unit_ancestors(unit=unit),
            "children": selectors.unit_children(unit=unit, valid_on=day),
            "lineage": selectors.unit_lineage(unit=unit),
            # On a commune: may add villages; on a village: may edit it. A village is
            # managed by whoever manages villages of its commune.
            "can_manage_villages": unit.valid_to is None
            and (
                (unit.level == Level.COMMUNE and request.user.has_perm(MANAGE_VILLAGES, unit))
                or (
                    unit.level == Level.VILLAGE
                    and unit.commune is not None
                    and request.user.has_perm(MANAGE_VILLAGES, unit.commune)
                )
            ),
            "can_set_group": unit.level == Level.COMMUNE
            and unit.valid_to is None
            and request.user.has_perm(SET_COMMUNE_GROUP, unit),
            # The unit's indicators and criteria pages open only inside the user's scope:
            # anyone may browse the tree, but a button to a page that would answer 404 is
            # a dead link (issue 15).
            "can_view_data": unit.valid_to is None and request.user.has_perm(VIEW_SCOPED, unit),
        },
    )


# ---------------------------------------------------------------------------------------
# Villages, commune groups and boundaries: officers' pages. Each checks access, with the
# service's own check, before it shows a form: a refusal rises to the 403 page, which
# shows nothing of the unit, and a unit that is not there to change to the 404 page
# (`core.middleware.DomainErrorPages`). What the service refuses after that is the form's
# to show.


def _managed_commune(request: HttpRequest, code: str) -> AdminUnit:
    commune = selectors.unit_get(code=code)
    village_manage_check(actor=request.user, commune=commune)
    return commune


@login_required
@require_http_methods(["GET", "POST"])
def village_create(request: HttpRequest, code: str) -> HttpResponse:
    commune = _managed_commune(request, code)
    form = VillageCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            village = villages.village_create(
                actor=request.user, commune=commune, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": village.name})
            return redirect("places:unit-detail", commune.code)
    return render(
        request,
        "places/village_form.html",
        {"form": form, "commune": commune, "title": _("Thêm thôn")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def village_edit(request: HttpRequest, code: str) -> HttpResponse:
    village = selectors.unit_get(code=code)
    commune = village_commune(village=village)
    village_manage_check(actor=request.user, commune=commune)
    initial = {
        "name": village.name,
        "kind": village.kind,
        "lat": village.centroid.y if village.centroid else None,
        "lon": village.centroid.x if village.centroid else None,
    }
    form = VillageEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            villages.village_update(actor=request.user, village=village, **form.cleaned_data)
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Đã lưu %(name)s.") % {"name": village.name})
            return redirect("places:unit-detail", village.code)
    return render(
        request,
        "places/village_form.html",
        {
            "form": form,
            "commune": commune,
            "village": village,
            "title": _("Sửa %(name)s") % {"name": village.name},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@upload_size_limit(MAX_FILE_BYTES)
def village_import(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a CSV/XLSX of villages; a background job imports it and its page shows how
    it went, with every bad row of a refused file."""
    commune = _managed_commune(request, code)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = village_import_rows_enqueue(
            actor=request.user, commune=commune, upload=form.cleaned_data["file"]
        )
        return redirect("core:job-detail", job.pk)
    context = {"form": form, "commune": commune, "columns": villages.VILLAGE_COLUMNS.values()}
    return render(request, "places/village_import.html", context)


@login_required
def village_template(request: HttpRequest) -> HttpResponse:
    """The XLSX template for importing villages, with an instructions sheet."""
    labels = " / ".join(villages.village_kind_label(k) for k in villages.VILLAGE_KINDS)
    content = template_xlsx(
        columns=villages.VILLAGE_COLUMNS,
        example_rows=[
            {
                "code": "01",
                "name": "Thôn Đông",
                "kind": villages.village_kind_label(Kind.THON),
                "lat": "21.0285",
                "lon": "105.8542",
            },
            {
                "code": "T3",
                "name": "Tổ dân phố 3",
                "kind": villages.village_kind_label(Kind.TO_DAN_PHO),
                "lat": "",
                "lon": "",
            },
        ],
        sheet_title=_("Danh sách thôn"),
        text_fields={"code"},
        instructions=[
            _("Mỗi dòng là một thôn, tổ dân phố của xã. Dòng 1 là tiêu đề, giữ nguyên."),
            _("Xoá các dòng ví dụ trước khi nhập. Lưu dạng XLSX, hoặc CSV UTF-8."),
            _(
                "Tệp có bất kỳ dòng lỗi nào sẽ bị từ chối toàn bộ; trang nhập liệt kê mọi "
                "dòng lỗi để sửa."
            ),
            _("Nhập lại tệp với cùng mã thôn sẽ cập nhật thôn đó, không tạo thôn trùng."),
        ],
        notes={
            "code": _(
                "Bắt buộc. Mã do xã đặt, 1–10 ký tự: chữ không dấu, chữ số, dấu gạch ngang "
                "(ví dụ 01, T3). Không lặp lại trong tệp."
            ),
            "name": _(
                "Bắt buộc. Tên đầy đủ, ví dụ “Thôn Đông”; tối đa %(max)s ký tự; không trùng "
                "tên thôn khác của xã."
            )
            % {"max": villages.VILLAGE_NAME_MAX},
            "kind": _("Bắt buộc. Một trong: %(labels)s (có dấu hoặc không dấu đều được).")
            % {"labels": labels},
            "lat": _(
                "Không bắt buộc. Độ thập phân, từ %(min)s đến %(max)s, ví dụ 21.0285. "
                "Để trống thì giữ toạ độ đã có."
            )
            % {"min": villages.LAT_MIN, "max": villages.LAT_MAX},
            "lon": _("Không bắt buộc. Độ thập phân, từ %(min)s đến %(max)s, ví dụ 105.8542.")
            % {"min": villages.LON_MIN, "max": villages.LON_MAX},
        },
    )
    return exports.attachment("mau-nhap-thon.xlsx", content, exports.XLSX_CONTENT_TYPE)


@login_required
@require_http_methods(["GET", "POST"])
def commune_group(request: HttpRequest, code: str) -> HttpResponse:
    commune = selectors.unit_get(code=code)
    commune_group_set_check(actor=request.user, commune=commune)
    form = CommuneGroupForm(request.POST or None, initial={"group": commune.commune_group})
    if request.method == "POST" and form.is_valid():
        try:
            commune_group_set(actor=request.user, commune=commune, group=form.cleaned_data["group"])
        except DomainError as exc:
            form.add_service_errors(exc, field="group")
        else:
            messages.success(request, _("Đã lưu nhóm của %(name)s.") % {"name": commune.name})
            return redirect("places:unit-detail", commune.code)
    return render(request, "places/commune_group.html", {"form": form, "commune": commune})


@login_required
@require_http_methods(["GET", "POST"])
def boundary_import(request: HttpRequest) -> HttpResponse:
    """Upload a boundary file; a background job imports it and the job page shows how it
    went. Only users who may import boundaries somewhere may upload (GDAL parses what is
    uploaded); the job then checks every matched unit against their scope."""
    if not request.user.has_perm(IMPORT_BOUNDARIES):
        raise PermissionDenied
    form = BoundaryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = boundaries_import_enqueue(
            actor=request.user,
            upload=form.cleaned_data["file"],
            level=form.cleaned_data["level"],
            code_field=form.cleaned_data["code_field"].strip(),
        )
        return redirect("core:job-detail", job.pk)
    return render(request, "places/boundary_import.html", {"form": form})
