"""Pages of the recognition procedure, under /cong-nhan/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from .views import documents

app_name = "recognition"

# A snapshot's SHA-256, as printed (lower-case hex).
_SHA256 = r"(?P<sha256>[0-9a-f]{64})"

urlpatterns: list[URLPattern | URLResolver] = [
    # issue 16 (documents)
    re_path(rf"^xac-minh/{_SHA256}/$", documents.verify, name="verify"),
    re_path(rf"^xac-minh/{_SHA256}/bao-cao\.pdf$", documents.verify_report, name="verify-report"),
    path(
        "ho-so/<int:pk>/bao-cao-tu-danh-gia.pdf",
        documents.self_assessment_report,
        name="self-assessment-report",
    ),
    path(
        "ho-so/<int:pk>/bao-cao-tham-dinh-<int:number>.pdf",
        documents.appraisal_report,
        name="appraisal-report",
    ),
]
