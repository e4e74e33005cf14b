"""A unit's indicators page, with a small trend per indicator, and the form where an
officer enters a reported value with its evidence."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide, unit_get_for_user, user_has_unit_permission
from langso.core.errors import AccessDenied, DomainError
from langso.core.files import file_response
from langso.core.services import job_create
from langso.core.tabular import MAX_FILE_BYTES, upload_store
from langso.core.uploads import upload_size_limit

from . import selectors
from .definitions import definition_yaml
from .forms import DefinitionForm, PeriodCloseForm, ReportedImportForm, ReportedValueForm
from .models import Period, Source
from .services.definitions import indicator_definition_save
from .services.periods import period_close_check
from .services.reported import reported_value_set
from .tasks import (
    household_aggregates_rebuild_task,
    period_close_task,
    reported_values_import_task,
)

# The trend chart's drawing box, in SVG units.
CHART_WIDTH, CHART_HEIGHT = 120, 32


def _points(trend: list[tuple[Period, Decimal | None]]) -> str:
    """The trend as SVG polyline points; periods with no data leave a gap in x only."""
    known = [(i, v) for i, (_p, v) in enumerate(trend) if v is not None]
    if not known:
        return ""
    top = max(v for _i, v in known) or Decimal(1)
    step = CHART_WIDTH / max(len(trend) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{CHART_HEIGHT - float(v / top) * (CHART_HEIGHT - 4) - 2:.1f}"
        for i, v in known
    )


@login_required
@require_GET
def unit_indicators(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_get_for_user(user=request.user, code=code)
    period = selectors.period_or_current(request.GET.get("period"))
    rows = selectors.unit_board(unit=unit, period=period)
    may_report = unit.valid_to is None and user_has_unit_permission(
        user=request.user, permission=Permission.REPORT_INDICATORS, unit=unit
    )
    return render(
        request,
        "indicators/unit_indicators.html",
        {
            "unit": unit,
            "period": period,
            "rows": [
                {
                    "row": row,
                    "points": _points(row.trend),
                    "may_enter": may_report
                    and not period.is_closed
                    and row.result.definition.source == Source.REPORTED
                    and row.result.definition.spec["level"] == unit.level,
                }
                for row in rows
            ],
            "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT},
            "low_coverage": int(selectors.LOW_COVERAGE * 100),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reported_value_enter(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    unit = unit_get_for_user(user=request.user, code=code)
    period = selectors.period_or_current(request.GET.get("period"))
    definition = selectors.indicator_get(code=indicator)
    current = selectors.reported_value_get(code=indicator, unit=unit, period=period)
    form = ReportedValueForm(
        request.POST or None,
        request.FILES or None,
        definition=definition,
        initial={
            "numerator": current.numerator if current else None,
            "denominator": current.denominator if current else None,
            "note": current.note if current else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            reported_value_set(
                actor=request.user,
                code=indicator,
                unit=unit,
                period=period.code,
                numerator=form.cleaned_data["numerator"],
                denominator=form.cleaned_data.get("denominator"),
                note=form.cleaned_data["note"],
                evidence=request.FILES.getlist("evidence"),
            )
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Đã lưu số liệu."))
            return redirect(f"{reverse('indicators:unit', args=[unit.code])}?period={period.code}")
    return render(
        request,
        "indicators/reported_value_form.html",
        {
            "unit": unit,
            "period": period,
            "definition": definition,
            "current": current,
            "form": form,
        },
    )


@login_required
@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "indicators": selectors.indicator_list(),
            "periods": selectors.period_list(),
            "may_define": is_nationwide(user=request.user, permission=Permission.DEFINE_INDICATORS),
            "close_form": PeriodCloseForm(),
        },
    )


def _definition_page(request: HttpRequest, *, code: str | None, initial: str) -> HttpResponse:
    may_define = is_nationwide(user=request.user, permission=Permission.DEFINE_INDICATORS)
    form = DefinitionForm(request.POST or None, initial={"text": initial})
    if request.method == "POST":
        if not may_define:
            raise PermissionDenied
        if form.is_valid():
            raw = form.cleaned_data["text"]
            if code is not None and raw.get("code") != code:
                form.add_error("text", _("Không đổi được mã của chỉ số; hãy thêm chỉ số mới."))
            else:
                try:
                    saved = indicator_definition_save(actor=request.user, raw=raw)
                except DomainError as exc:
                    form.add_service_errors(exc, field="text")
                else:
                    if saved is None:
                        messages.info(request, _("Không có gì thay đổi."))
                    else:
                        messages.success(
                            request,
                            _("Đã lưu phiên bản %(version)s của chỉ số %(code)s.")
                            % {"version": saved.version, "code": saved.code},
                        )
                    return redirect("indicators:detail", code=raw["code"])
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "code": code,
            "versions": [
                (version, definition_yaml(version.spec))
                for version in (selectors.indicator_versions(code=code) if code else [])
            ],
            "form": form,
            "may_define": may_define,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    versions = list(selectors.indicator_versions(code=code)[:1])
    if not versions:
        raise Http404
    return _definition_page(request, code=code, initial=definition_yaml(versions[0].spec))


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest) -> HttpResponse:
    return _definition_page(request, code=None, initial=NEW_DEFINITION)


NEW_DEFINITION = """code: ma-chi-so
name_vi: "Tên chỉ số"
name_en: "Indicator name"
unit: percent
source: registry
numerator: {registry: households, sum: adults_vneid}
denominator: {registry: households, sum: adults, where: {adults_vneid: known}}
"""


@login_required
@require_POST
def period_close_view(request: HttpRequest) -> HttpResponse:
    form = PeriodCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("period", [])))
        return redirect("indicators:list")
    code = form.cleaned_data["period"]
    try:
        period_close_check(actor=request.user, period=selectors.period_parse(code))
    except AccessDenied:
        raise  # the 403 page (core.middleware.DomainErrorPages), not a message
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("indicators:list")
    job = job_create(kind="indicators.period_close", created_by=request.user)
    arguments = {"job_id": job.pk, "actor_id": request.user.pk, "code": code}
    transaction.on_commit(lambda: period_close_task.enqueue(**arguments))
    return redirect("core:job-detail", job.pk)


@login_required
@require_http_methods(["GET", "POST"])
@upload_size_limit(MAX_FILE_BYTES)
def reported_import(request: HttpRequest, code: str) -> HttpResponse:
    definition = selectors.indicator_get(code=code)
    if definition.source != Source.REPORTED:
        raise Http404
    form = ReportedImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        path = upload_store(form.cleaned_data["file"], prefix="chi-so")
        job = job_create(kind="indicators.reported_import", created_by=request.user)
        arguments = {
            "job_id": job.pk,
            "actor_id": request.user.pk,
            "code": code,
            "period": form.cleaned_data["period"],
            "path": str(path),
        }
        transaction.on_commit(lambda: reported_values_import_task.enqueue(**arguments))
        return redirect("core:job-detail", job.pk)
    return render(
        request, "indicators/reported_import.html", {"definition": definition, "form": form}
    )


@login_required
@require_POST
def aggregates_rebuild(request: HttpRequest) -> HttpResponse:
    """Start a rebuild of the household aggregates in the background (central admins):
    after a load that wrote without events, or to check the incremental state."""
    if not is_nationwide(user=request.user, permission=Permission.DEFINE_INDICATORS):
        raise PermissionDenied
    job = job_create(kind="indicators.household_aggregates_rebuild", created_by=request.user)
    transaction.on_commit(lambda: household_aggregates_rebuild_task.enqueue(job_id=job.pk))
    return redirect("core:job-detail", job.pk)


@login_required
@require_GET
def reported_evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An evidence file, to whoever may read the unit's values."""
    evidence = selectors.reported_evidence_get_for_user(user=request.user, pk=pk)
    return file_response(evidence.file, name=evidence.name)
