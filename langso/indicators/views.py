"""A unit's indicators page, with a small trend per indicator, and the form where an
officer enters a reported value with its evidence."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from langso.accounts.roles import Permission
from langso.accounts.selectors import user_has_unit_permission
from langso.core.errors import DomainError, NotFound
from langso.places.models import AdminUnit
from langso.places.selectors import unit_get

from . import selectors
from .forms import ReportedValueForm
from .models import Period, Source
from .services.reported import reported_value_set

# The trend chart's drawing box, in SVG units.
CHART_WIDTH, CHART_HEIGHT = 120, 32


def _unit(request: HttpRequest, code: str) -> AdminUnit:
    try:
        unit = unit_get(code=code)
        selectors.units_for_values(user=request.user, unit=unit, level=None)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return unit


def _period(request: HttpRequest) -> Period:
    code = request.GET.get("period", "")
    try:
        return selectors.period_parse(code) if code else selectors.period_current()
    except DomainError as exc:
        raise Http404(exc.message) from exc


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
    unit = _unit(request, code)
    period = _period(request)
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
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reported_value_enter(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    unit = _unit(request, code)
    period = _period(request)
    try:
        definition = selectors.indicator_get(code=indicator)
    except NotFound as exc:
        raise Http404(exc.message) from exc
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
            form.add_error(None, exc.message)
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
