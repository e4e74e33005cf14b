"""The catalogue pages: the sets in force, one set with the status and source of every
fact, a set edited as YAML into a new version, a catalogue file imported, a province's
thresholds, an officer's finding on an assessed indicator, and a commune's
classification for a year."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from langso.accounts.roles import Permission
from langso.accounts.selectors import (
    is_nationwide,
    unit_get_for_user,
    user_has_permission_somewhere,
    user_has_unit_permission,
)
from langso.core import exports
from langso.core.errors import ImportRejected, RowError
from langso.core.files import file_response
from langso.core.forms import RefusalShown
from langso.core.uploads import upload_size_limit
from langso.places.models import AdminUnit, Level

from ..catalogue import XLSX_MAX_BYTES, catalogue_yaml_read, threshold_keys
from ..forms import (
    AssessmentForm,
    CatalogueImportForm,
    ClassificationForm,
    SetYamlForm,
    ThresholdsForm,
)
from ..models import CriteriaSet, IndicatorMethod
from ..selectors import catalogue as catalogue_selectors
from ..selectors.assessments import assessment_evidence_get_for_user, assessments_for
from ..selectors.sets import criteria_set_in_force
from ..services import (
    assessment_record,
    commune_classification_set,
    criteria_catalogue_import,
    criteria_sets_save,
    province_thresholds_set,
)


def _province_context(request: HttpRequest) -> AdminUnit | None:
    """?province=<code>: that province; ?province= (empty): the national sets; no
    parameter: the province of the user's scope (none for a central admin)."""
    if "province" not in request.GET:
        return catalogue_selectors.province_for_user(user=request.user)
    return _province_param(request)


def _province_param(request: HttpRequest) -> AdminUnit | None:
    """?province=<code> or nothing (the national sets)."""
    code = request.GET.get("province", "").strip()
    if not code:
        return None
    return catalogue_selectors.province_get(code=code)


def _may_define(request: HttpRequest, province: AdminUnit | None) -> bool:
    """Whether the user may issue sets for `province` (None: the national sets)."""
    if province is None:
        return is_nationwide(user=request.user, permission=Permission.DEFINE_CRITERIA)
    return user_has_unit_permission(
        user=request.user, permission=Permission.DEFINE_CRITERIA, unit=province
    )


def _number_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return int(raw)


def _year(request: HttpRequest) -> int:
    year = _number_param(request, "year")
    if year is None:
        return timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _set_url(code: str, province: AdminUnit | None) -> str:
    query = urlencode({"province": province.code if province else ""})
    return f"{reverse('criteria:set', args=[code])}?{query}"


# --- Sets ---------------------------------------------------------------------------


@login_required
@require_GET
def set_list(request: HttpRequest) -> HttpResponse:
    province = _province_context(request)
    nationwide = is_nationwide(user=request.user, permission=Permission.VIEW_SCOPED)
    return render(
        request,
        "criteria/set_list.html",
        {
            "province": province,
            "groups": catalogue_selectors.criteria_set_groups(province=province),
            "provinces": catalogue_selectors.current_provinces() if nationwide else [],
            "may_import": user_has_permission_somewhere(
                user=request.user, permission=Permission.DEFINE_CRITERIA
            ),
        },
    )


@login_required
@require_GET
def set_detail(request: HttpRequest, code: str) -> HttpResponse:
    province = _province_context(request)
    page = catalogue_selectors.criteria_set_page(
        code=code, province=province, version=_number_param(request, "version")
    )
    criteria_set = page.criteria_set
    may_define_province = province is not None and _may_define(request, province)
    return render(
        request,
        "criteria/set_detail.html",
        {
            "page": page,
            "set": criteria_set,
            "province": province,
            "may_edit": _may_define(request, criteria_set.province),
            # The text leaves the whole set to provinces (thôn thông minh): a province
            # writes its own in place of the national frame.
            "may_write_own": criteria_set.province_id is None
            and may_define_province
            and bool(criteria_set.spec.get("provincial_content")),
            "may_set_thresholds": may_define_province and page.has_numeric,
        },
    )


def _single_set_errors(raw_sets: list[Any], code: str) -> list[RowError]:
    if len(raw_sets) == 1 and str(raw_sets[0].get("code")) == code:
        return []
    line = raw_sets[0].line if raw_sets else 1
    return [
        RowError(
            line,
            "code",
            _("Trang này sửa bộ “%(code)s”; không đổi được mã, hãy nhập bộ khác từ tệp.")
            % {"code": code},
        )
    ]


@login_required
@require_http_methods(["GET", "POST"])
def set_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The set as YAML (the province's, with ?province=, else the national one); saved,
    it becomes the next version, or the page lists every error by line."""
    province = _province_param(request)
    if not _may_define(request, province):
        raise PermissionDenied
    current = criteria_set_in_force(code=code, province=province)
    form = SetYamlForm(
        request.POST or None,
        initial={"text": catalogue_selectors.criteria_set_yaml(current.spec)},
    )
    write = RefusalShown(form=form, rejected=_("Bộ tiêu chí chưa được lưu: %(count)s lỗi."))
    if request.method == "POST" and form.is_valid():
        with write:
            raw_sets, sources = catalogue_yaml_read(form.cleaned_data["text"])
            if wrong_code := _single_set_errors(raw_sets, code):
                raise ImportRejected(wrong_code)
            report = criteria_sets_save(
                actor=request.user,
                raw_sets=raw_sets,
                sources=catalogue_selectors.criteria_set_sources(current) | sources,
                province=province,
            )
        if not write.failed:
            if report.added:
                messages.success(
                    request,
                    _("Đã lưu phiên bản %(version)s của bộ %(code)s.")
                    % {"version": report.added[0].version, "code": code},
                )
            else:
                messages.info(request, _("Không có thay đổi: phiên bản hiện hành giữ nguyên."))
            return redirect(_set_url(code, province))
    return render(
        request,
        "criteria/set_edit.html",
        {"form": form, "current": current, "province": province, "errors": write.rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
@upload_size_limit(XLSX_MAX_BYTES)
def catalogue_import(request: HttpRequest) -> HttpResponse:
    """A YAML or XLSX file of sets: national for central admins, else for a province the
    user issues sets for. A file with any bad entry is refused whole, every error
    listed. ?template=1 gives the XLSX to fill in."""
    nationwide = _may_define(request, None)
    provinces = catalogue_selectors.definable_provinces(user=request.user)
    if not nationwide and not provinces:
        raise PermissionDenied
    if request.GET.get("template"):
        return exports.attachment(
            "mau-bo-tieu-chi.xlsx",
            catalogue_selectors.catalogue_xlsx_template(),
            exports.XLSX_CONTENT_TYPE,
        )
    form = CatalogueImportForm(
        request.POST or None, request.FILES or None, provinces=provinces, nationwide=nationwide
    )
    write = RefusalShown(form=form, field="file")
    report = None
    province = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        province = form.chosen_province()
        with write:
            report = criteria_catalogue_import(
                actor=request.user, province=province, filename=upload.name or "", file=upload
            )
    return render(
        request,
        "criteria/catalogue_import.html",
        {"form": form, "errors": write.rows, "report": report, "province": province},
    )


@login_required
@require_http_methods(["GET", "POST"])
def thresholds_edit(request: HttpRequest, code: str, province: str) -> HttpResponse:
    """The province's thresholds for a set: one input per indicator met against a
    number and per region or commune group; empty is unknown. Saved, they are the next
    version of the province's variant (or own set)."""
    unit = catalogue_selectors.province_get(code=province)
    if not _may_define(request, unit):
        raise PermissionDenied
    criteria_set = criteria_set_in_force(code=code, province=unit)
    form = ThresholdsForm(
        request.POST or None,
        indicators=catalogue_selectors.numeric_indicators(criteria_set),
        keys=threshold_keys(criteria_set.varies_by),
    )
    write = RefusalShown(form=form, rejected=_("Ngưỡng chưa được lưu: %(count)s lỗi."))
    if request.method == "POST" and form.is_valid():
        changes = form.changed_thresholds()
        if not changes:
            messages.info(request, _("Không có thay đổi."))
            return redirect(_set_url(code, unit))
        with write:
            saved = province_thresholds_set(
                actor=request.user, province=unit, set_code=code, thresholds=changes
            )
        if not write.failed:
            if saved is None:
                messages.info(request, _("Không có thay đổi."))
            else:
                messages.success(
                    request,
                    _("Đã lưu ngưỡng của %(province)s: phiên bản %(version)s.")
                    % {"province": unit.name, "version": saved.version},
                )
            return redirect(_set_url(code, unit))
    return render(
        request,
        "criteria/thresholds_form.html",
        {"form": form, "set": criteria_set, "province": unit, "errors": write.rows},
    )


# --- Assessments and classification -------------------------------------------------


def _unit_province(unit: AdminUnit) -> AdminUnit | None:
    return unit if unit.level == Level.PROVINCE else unit.province


@login_required
@require_http_methods(["GET", "POST"])
def assessment_enter(
    request: HttpRequest, code: str, set_code: str, indicator: str
) -> HttpResponse:
    """An officer's đạt / chưa đạt on an assessed indicator of the set in force in the
    unit's province, with a note and evidence files."""
    unit = unit_get_for_user(user=request.user, code=code)
    if not user_has_unit_permission(
        user=request.user, permission=Permission.ASSESS_CRITERIA, unit=unit
    ):
        raise PermissionDenied
    year = _year(request)
    criteria_set: CriteriaSet = criteria_set_in_force(
        code=set_code, province=_unit_province(unit), year=year
    )
    target = catalogue_selectors.set_indicator_get(criteria_set=criteria_set, code=indicator)
    if target.kind != IndicatorMethod.ASSESSED:
        raise Http404(_("Chỉ tiêu này không do cán bộ đánh giá."))
    current = assessments_for(set_code=set_code, unit=unit, year=year).get(indicator)
    form = AssessmentForm(
        request.POST or None,
        request.FILES or None,
        initial={"verdict": current.verdict, "note": current.note} if current else {},
    )
    if request.method == "POST" and form.is_valid():
        with RefusalShown(form=form) as write:
            assessment_record(
                actor=request.user,
                criteria_set=criteria_set,
                indicator_code=indicator,
                unit=unit,
                year=year,
                verdict=form.cleaned_data["verdict"],
                note=form.cleaned_data["note"],
                evidence=request.FILES.getlist("evidence"),
            )
        if not write.failed:
            messages.success(
                request,
                _("Đã lưu kết quả đánh giá chỉ tiêu %(code)s.") % {"code": indicator},
            )
            query = urlencode({"set": set_code, "year": str(year)})
            return redirect(f"{reverse('criteria:scorecard', args=[unit.code])}?{query}")
    return render(
        request,
        "criteria/assessment_form.html",
        {
            "unit": unit,
            "year": year,
            "set": criteria_set,
            "indicator": target,
            "current": current,
            "evidence": current.evidence.all() if current else [],
            "form": form,
        },
    )


@login_required
@require_GET
def assessment_evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An evidence file of an assessment, to whoever may read the unit's scorecard."""
    evidence = assessment_evidence_get_for_user(user=request.user, pk=pk)
    return file_response(evidence.file, name=evidence.name)


@login_required
@require_http_methods(["GET", "POST"])
def classification_edit(request: HttpRequest, code: str) -> HttpResponse:
    """A commune's region, commune group and hardship flags for a year, which pick its
    thresholds."""
    commune = unit_get_for_user(user=request.user, code=code)
    if commune.level != Level.COMMUNE or commune.valid_to is not None:
        raise Http404(_("Chỉ phân loại được xã hiện hành."))
    if not user_has_unit_permission(
        user=request.user, permission=Permission.SET_COMMUNE_GROUP, unit=commune
    ):
        raise PermissionDenied
    year = _year(request)
    current = catalogue_selectors.commune_classification_get(unit=commune, year=year)
    initial = (
        {
            "region": current.region,
            "commune_group": current.commune_group,
            "extremely_disadvantaged": current.extremely_disadvantaged,
            "safe_zone": current.safe_zone,
        }
        if current
        else {"region": commune.region, "commune_group": commune.commune_group}
    )
    form = ClassificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with RefusalShown(form=form) as write:
            commune_classification_set(
                actor=request.user, unit=commune, year=year, **form.cleaned_data
            )
        if not write.failed:
            messages.success(
                request,
                _("Đã lưu phân loại năm %(year)s của %(name)s.")
                % {"year": year, "name": commune.name},
            )
            query = urlencode({"year": str(year)})
            return redirect(f"{reverse('criteria:classify', args=[commune.code])}?{query}")
    return render(
        request,
        "criteria/classification_form.html",
        {"commune": commune, "year": year, "current": current, "form": form},
    )
