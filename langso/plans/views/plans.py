"""Plan pages: the plans within the reader's reach, one plan with the live progress of
every target, the plan's file, and — for who holds `DEFINE_CRITERIA` on its unit — a
plan file imported, a target added, changed or deleted, a spreadsheet of targets
imported (with its template)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langso.accounts.roles import Permission
from langso.accounts.selectors import user_has_permission_somewhere
from langso.core import exports
from langso.core.files import file_response
from langso.core.forms import RefusalShown
from langso.core.tabular import template_xlsx
from langso.core.uploads import upload_size_limit
from langso.criteria.selectors.catalogue import province_for_user
from langso.criteria.selectors.sets import criteria_sets_in_force
from langso.indicators.selectors import indicator_list

from ..forms.plans import (
    PLAN_MAX_BYTES,
    PlanFileForm,
    PlanImportForm,
    TargetForm,
    TargetsImportForm,
)
from ..models import Plan, Target
from ..selectors.plans import (
    plan_get_for_user,
    plan_list_for_user,
    plan_progress_for_user,
    target_get,
    unit_editable,
)
from ..services.plans import (
    XLSX_COLUMNS,
    plan_file_attach,
    plan_targets_import,
    plans_import,
    target_delete,
    target_save,
)

TARGETS_MAX_BYTES = 2 * 1024 * 1024


def _reader(request: HttpRequest) -> None:
    if not user_has_permission_somewhere(user=request.user, permission=Permission.VIEW_SCOPED):
        raise PermissionDenied


def _editor(request: HttpRequest, plan: Plan) -> None:
    if not unit_editable(user=request.user, unit=plan.unit):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
@upload_size_limit(PLAN_MAX_BYTES)
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans within reach; a plan file (YAML) imported by who may write plans."""
    _reader(request)
    may_import = user_has_permission_somewhere(
        user=request.user, permission=Permission.DEFINE_CRITERIA
    )
    form = PlanImportForm(request.POST or None, request.FILES or None)
    write = RefusalShown(form=form, field="file")
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied
        if form.is_valid():
            with write:
                saved = plans_import(actor=request.user, text=form.cleaned_data["file"].read())
            if not write.failed:
                messages.success(request, _("Đã nạp %(count)s kế hoạch.") % {"count": len(saved)})
                return redirect("plans:list")
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plan_list_for_user(user=request.user),
            "form": form if may_import else None,
            "errors": write.rows,
        },
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = plan_get_for_user(user=request.user, code=code)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "progress": plan_progress_for_user(user=request.user, plan=plan),
            "editable": unit_editable(user=request.user, unit=plan.unit),
            "import_form": TargetsImportForm(),
            "file_form": PlanFileForm(),
        },
    )


@login_required
@require_GET
def plan_file(request: HttpRequest, code: str) -> HttpResponseBase:
    plan = plan_get_for_user(user=request.user, code=code)
    return file_response(plan.file, name=plan.file_name)


@login_required
@require_POST
@upload_size_limit(TARGETS_MAX_BYTES)
def plan_file_upload(request: HttpRequest, code: str) -> HttpResponse:
    plan = plan_get_for_user(user=request.user, code=code)
    _editor(request, plan)
    form = PlanFileForm(request.POST, request.FILES)
    if form.is_valid():
        with RefusalShown(request) as write:
            plan_file_attach(actor=request.user, plan=plan, upload=form.cleaned_data["file"])
        if not write.failed:
            messages.success(request, _("Đã lưu văn bản kế hoạch."))
    else:
        messages.error(request, _("Chưa chọn tệp."))
    return redirect("plans:detail", code=plan.code)


def _target_form(request: HttpRequest, plan: Plan, target: Target | None) -> TargetForm:
    province = province_for_user(user=request.user)
    return TargetForm(
        request.POST or None,
        initial=TargetForm.initial_of(target) if target else None,
        user=request.user,
        indicators=[(d.code, d.label) for d in indicator_list()],
        sets=[(s.code, s.label) for s in criteria_sets_in_force(province=province)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """A target added to the plan (no `pk`) or changed, with the checks of a file."""
    plan = plan_get_for_user(user=request.user, code=code)
    _editor(request, plan)
    target = target_get(plan=plan, pk=pk) if pk is not None else None
    form = _target_form(request, plan, target)
    if request.method == "POST" and form.is_valid():
        with RefusalShown(form=form) as write:
            target_save(actor=request.user, plan=plan, values=form.values(), target=target)
        if not write.failed:
            messages.success(request, _("Đã lưu chỉ tiêu."))
            return redirect("plans:detail", code=plan.code)
    return render(request, "plans/target_form.html", {"plan": plan, "target": target, "form": form})


@login_required
@require_POST
def target_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = plan_get_for_user(user=request.user, code=code)
    _editor(request, plan)
    target_delete(actor=request.user, target=target_get(plan=plan, pk=pk))
    messages.success(request, _("Đã xoá chỉ tiêu."))
    return redirect("plans:detail", code=plan.code)


@login_required
@require_http_methods(["GET", "POST"])
@upload_size_limit(TARGETS_MAX_BYTES)
def targets_import(request: HttpRequest, code: str) -> HttpResponse:
    """The plan's targets replaced by a spreadsheet's rows; any bad row and nothing
    changes, every bad row listed."""
    plan = plan_get_for_user(user=request.user, code=code)
    _editor(request, plan)
    form = TargetsImportForm(request.POST or None, request.FILES or None)
    write = RefusalShown(form=form, field="file")
    if request.method == "POST" and form.is_valid():
        with write:
            plan_targets_import(actor=request.user, plan=plan, file=form.cleaned_data["file"])
        if not write.failed:
            messages.success(request, _("Đã thay các chỉ tiêu của kế hoạch."))
            return redirect("plans:detail", code=plan.code)
    return render(
        request, "plans/targets_import.html", {"plan": plan, "form": form, "errors": write.rows}
    )


def _column_notes() -> dict[str, str]:
    return {
        "kind": "indicator_value, units_meeting, activity",
        "indicator": _("Mã chỉ số (trang Chỉ số)"),
        "unit": _("Mã đơn vị đo, để trống: đơn vị của kế hoạch"),
        "level": "commune, village",
        "set": _("Mã bộ tiêu chí mà đơn vị phải đạt"),
        "criterion": _("Tiêu chí hay chỉ tiêu của bộ: 8 hoặc 8.4; để trống: cả bộ"),
        "comparator": "gte, gt, lte, lt",
        "measure": "percent, count",
        "deadline": "dd/mm/yyyy",
        "baseline_on": "dd/mm/yyyy",
        "unbound": _("Điền khi chỉ tiêu chưa tính được: lý do"),
    }


@login_required
@require_GET
def targets_template(request: HttpRequest) -> HttpResponse:
    """The spreadsheet of targets to fill in: its columns and two example rows."""
    _reader(request)
    content = template_xlsx(
        columns=XLSX_COLUMNS,
        example_rows=[
            {
                "text_vi": "≥ 65% người từ 15 tuổi có tài khoản thanh toán điện tử",
                "kind": "indicator_value",
                "indicator": "adults-epayment",
                "comparator": "gte",
                "value": "65",
                "deadline": "31/12/2027",
                "baseline_value": "40",
                "baseline_on": "31/12/2025",
            },
            {
                "text_vi": "≥ 97% số xã đạt chỉ tiêu 8.4",
                "kind": "units_meeting",
                "level": "commune",
                "set": "xa_ntm_2021_2025",
                "criterion": "8.4",
                "comparator": "gte",
                "value": "97",
                "measure": "percent",
                "deadline": "31/12/2025",
            },
        ],
        sheet_title=_("Chỉ tiêu"),
        notes=_column_notes(),
        instructions=[
            _("Mỗi dòng một chỉ tiêu. Một dòng sai thì cả tệp bị từ chối, mọi dòng sai được nêu.")
        ],
        text_fields={"unit", "criterion", "deadline", "baseline_on"},
    )
    return exports.attachment("mau-chi-tieu-ke-hoach.xlsx", content, exports.XLSX_CONTENT_TYPE)
