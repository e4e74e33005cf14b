"""The dossier's documents: the self-assessment and appraisal reports as PDF, for
readers within the dossier's scope, and the public verification page of a snapshot
that the QR on every page of them leads to (with the self-assessment report itself,
which the law has the commune publish during the consultation)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from langso.core.pdf import pdf_response

from ..documents import (
    appraisal_report_pdf,
    self_assessment_report_pdf,
    snapshot_report,
    verification_url,
)
from ..models import Snapshot
from ..selectors.documents import (
    appraisal_round_for_user,
    report_snapshot_for_user,
    snapshot_get_by_hash,
    snapshot_verification,
)

# The public report is printed once a day per snapshot (it is always in Vietnamese, and a
# snapshot never changes): a second of WeasyPrint per request would let anyone holding a
# hash keep a worker busy.
PUBLIC_REPORT_SECONDS = 24 * 3600


def _self_assessment_response(snapshot: Snapshot, *, cached: bool = False) -> HttpResponse:
    report = snapshot_report(snapshot)
    key = f"recognition:report:{snapshot.sha256}"
    content = cache.get(key) if cached else None
    if not isinstance(content, bytes):
        content = self_assessment_report_pdf(snapshot, verify_url=verification_url(snapshot.sha256))
        if cached:
            cache.set(key, content, PUBLIC_REPORT_SECONDS)
    name = _("Báo cáo tự đánh giá - %(unit)s - %(year)s.pdf") % {
        "unit": report.unit_name,
        "year": report.year,
    }
    return pdf_response(content, name=name)


@require_GET
def verify(request: HttpRequest, sha256: str) -> HttpResponse:
    """Public: the snapshot with this hash, and whether its content still has it."""
    verification = snapshot_verification(sha256=sha256)
    return render(
        request,
        "recognition/verify.html",
        {"verification": verification, "report": snapshot_report(verification.snapshot)},
    )


@require_GET
def verify_report(request: HttpRequest, sha256: str) -> HttpResponse:
    """Public: the self-assessment report of the snapshot with this hash."""
    return _self_assessment_response(snapshot_get_by_hash(sha256=sha256), cached=True)


def _snapshot_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("ban", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 4:
        raise Http404(_("Không tìm thấy hồ sơ này."))
    return int(raw)


@login_required
@require_GET
def self_assessment_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier's self-assessment report: its latest snapshot, or `?ban=<number>`."""
    snapshot = report_snapshot_for_user(
        user=request.user, dossier_pk=pk, number=_snapshot_number(request)
    )
    return _self_assessment_response(snapshot)


@login_required
@require_GET
def appraisal_report(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The report of the dossier's appraisal round `number`."""
    found = appraisal_round_for_user(user=request.user, dossier_pk=pk, number=number)
    report = snapshot_report(found.snapshot)
    content = appraisal_report_pdf(found, verify_url=verification_url(found.snapshot.sha256))
    name = _("Báo cáo thẩm định - %(unit)s - %(year)s - lần %(number)s.pdf") % {
        "unit": report.unit_name,
        "year": report.year,
        "number": found.number,
    }
    return pdf_response(content, name=name)
