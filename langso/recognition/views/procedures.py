"""The procedure pages: the procedures in force for the reader's province, one
procedure with the status and source of every fact, its YAML, a province's variant
uploaded, and a satisfaction threshold the province enters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from langso.accounts.roles import Permission
from langso.accounts.selectors import (
    is_nationwide,
    user_has_permission_somewhere,
    user_has_unit_permission,
)
from langso.core import exports
from langso.core.forms import RefusalShown
from langso.core.uploads import upload_size_limit
from langso.criteria.selectors.catalogue import current_provinces, province_for_user
from langso.places.models import AdminUnit

from ..forms import PROCEDURE_MAX_BYTES, ProcedureVariantForm, SatisfactionThresholdForm
from ..selectors.procedures import (
    ProcedurePage,
    procedure_page,
    procedure_province_for_user,
    procedure_yaml,
    procedures_for,
)
from ..services.procedures import procedure_threshold_set, procedure_variant_save


def _reader(request: HttpRequest) -> None:
    if not user_has_permission_somewhere(user=request.user, permission=Permission.VIEW_SCOPED):
        raise PermissionDenied


def _province_context(request: HttpRequest) -> AdminUnit | None:
    """?province=<code>: that province, if the user may read it; ?province= (empty):
    the national procedures; no parameter: the province of the user's scope."""
    if "province" not in request.GET:
        return province_for_user(user=request.user)
    code = request.GET.get("province", "").strip()
    return procedure_province_for_user(user=request.user, code=code) if code else None


def _may_define(request: HttpRequest, province: AdminUnit | None) -> bool:
    return province is not None and user_has_unit_permission(
        user=request.user, permission=Permission.DEFINE_CRITERIA, unit=province
    )


def _version(request: HttpRequest) -> int | None:
    raw = request.GET.get("version", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return int(raw)


def _page(request: HttpRequest, code: str) -> tuple[AdminUnit | None, ProcedurePage]:
    """The province the page is read for, and the version of the procedure asked for."""
    _reader(request)
    province = _province_context(request)
    return province, procedure_page(code=code, province=province, version=_version(request))


def _threshold_form(
    page: ProcedurePage, data: QueryDict | None = None
) -> SatisfactionThresholdForm:
    """The satisfaction threshold form, one choice per set the procedure covers."""
    sets = list(zip(page.spec.set_codes, page.set_names, strict=True))
    return SatisfactionThresholdForm(data, sets=sets)


def _procedure_url(code: str, province: AdminUnit | None) -> str:
    query = urlencode({"province": province.code if province else ""})
    return f"{reverse('recognition:procedure', args=[code])}?{query}"


@login_required
@require_GET
def procedure_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    province = _province_context(request)
    nationwide = is_nationwide(user=request.user, permission=Permission.VIEW_SCOPED)
    return render(
        request,
        "recognition/procedure_list.html",
        {
            "province": province,
            "procedures": procedures_for(province=province),
            "provinces": current_provinces() if nationwide else [],
            "may_upload": _may_define(request, province),
        },
    )


@login_required
@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    province, page = _page(request, code)
    may_define = _may_define(request, province)
    form = _threshold_form(page) if may_define and page.is_latest else None
    return render(
        request,
        "recognition/procedure_detail.html",
        {"page": page, "province": province, "may_define": may_define, "form": form},
    )


@login_required
@require_GET
def procedure_download(request: HttpRequest, code: str) -> HttpResponse:
    """The YAML of a version, to read or to edit into the province's variant."""
    _province, page = _page(request, code)
    procedure = page.procedure
    return exports.attachment(
        f"{procedure.code}-v{procedure.version}.yaml",
        procedure_yaml(procedure).encode("utf-8"),
        "application/yaml; charset=utf-8",
    )


@login_required
@require_http_methods(["GET", "POST"])
@upload_size_limit(PROCEDURE_MAX_BYTES)
def procedure_variant_upload(request: HttpRequest, province: str) -> HttpResponse:
    """A province's own variant of a procedure, from a YAML file: validated whole,
    stored as the next version of its own, or every error listed by line."""
    unit = procedure_province_for_user(user=request.user, code=province)
    if not _may_define(request, unit):
        raise PermissionDenied
    form = ProcedureVariantForm(request.POST or None, request.FILES or None)
    write = RefusalShown(form=form, field="file")
    if request.method == "POST" and form.is_valid():
        with write:
            saved = procedure_variant_save(
                actor=request.user, province=unit, text=form.cleaned_data["file"].read()
            )
        if not write.failed:
            messages.success(
                request,
                _("Đã lưu phiên bản %(version)s của quy trình “%(name)s”.")
                % {"version": saved.version, "name": saved.name_vi},
            )
            return redirect(_procedure_url(saved.code, unit))
    return render(
        request,
        "recognition/procedure_upload.html",
        {"form": form, "province": unit, "errors": write.rows},
    )


@login_required
@require_http_methods(["POST"])
def procedure_threshold_edit(request: HttpRequest, code: str, province: str) -> HttpResponse:
    """The satisfaction threshold the province enters for one set: the next version of
    its variant of the procedure."""
    unit = procedure_province_for_user(user=request.user, code=province)
    if not _may_define(request, unit):
        raise PermissionDenied
    page = procedure_page(code=code, province=unit)
    form = _threshold_form(page, request.POST)
    write = RefusalShown(form=form)
    if form.is_valid():
        with write:
            saved = procedure_threshold_set(
                actor=request.user,
                province=unit,
                procedure=page.procedure,
                set_code=form.cleaned_data["set_code"],
                threshold=form.cleaned_data["threshold"],
                note=form.cleaned_data["note"],
            )
        if not write.failed:
            messages.success(
                request,
                _("Đã lưu ngưỡng hài lòng: phiên bản %(version)s của quy trình.")
                % {"version": saved.version},
            )
            return redirect(_procedure_url(code, unit))
    return render(
        request,
        "recognition/procedure_detail.html",
        {"page": page, "province": unit, "may_define": True, "form": form},
        status=400,
    )
