"""The quarterly report page (`/bang-dieu-khien/bao-cao/`) and the stored reports'
downloads. Thin: read the request, call the selector or queue the task, render. Kept
apart from `views.py` (the map page, the overview) as its own concern: reports are
generated in the background and served as stored files."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from langso.core.errors import DomainError, NotFound
from langso.core.files import file_response
from langso.core.models import Job
from langso.core.selectors import job_get_for_user

from .forms import QuarterlyReportForm
from .selectors.report import (
    quarterly_report_get_for_user,
    quarterly_report_list_for_user,
    report_unit_for_user,
)
from .services.report import quarterly_report_file_name
from .tasks import JOB_KIND, quarterly_report_enqueue

# What a stored report is downloaded as.
KINDS = ("pdf", "xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest) -> HttpResponse:
    """`?unit=`: the unit's reports, newest first, and the form that queues a new one
    ("Tạo báo cáo quý"); `?job=`: the progress of the one just queued."""
    code = request.GET.get("unit", "").strip()
    try:
        unit = report_unit_for_user(user=request.user, code=code or None)
    except NotFound:
        raise
    except DomainError as exc:
        # A village, a unit since merged: said on the page, with nothing to generate.
        return render(request, "dashboards/report.html", {"problem": exc.message})
    form = QuarterlyReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = quarterly_report_enqueue(
            actor=request.user, unit=unit, quarter=form.cleaned_data["quarter"].code
        )
        query = urlencode({"unit": unit.code, "job": job.pk})
        return redirect(f"{reverse('dashboards:report')}?{query}")
    return render(
        request,
        "dashboards/report.html",
        {
            "unit": unit,
            "form": form,
            "job": _job(request),
            "reports": quarterly_report_list_for_user(user=request.user, unit=unit),
        },
    )


def _job(request: HttpRequest) -> Job | None:
    """The report job asked for, the user's own (another's is a 404)."""
    asked = request.GET.get("job", "")
    if not asked:
        return None
    if not asked.isdigit():
        raise Http404
    job = job_get_for_user(job_id=int(asked), user=request.user)
    if job.kind != JOB_KIND:
        raise Http404
    return job


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """A stored report's PDF or XLSX, to a reader of its unit."""
    if kind not in KINDS:
        raise Http404
    report = quarterly_report_get_for_user(user=request.user, pk=pk)
    return file_response(
        report.pdf if kind == "pdf" else report.xlsx,
        name=quarterly_report_file_name(report, suffix=kind),
    )
