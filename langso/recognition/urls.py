"""Pages of the recognition procedure, under /cong-nhan/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from .views import actions, documents, dossiers, map, procedures, public

app_name = "recognition"

# A snapshot's SHA-256, as printed (lower-case hex).
_SHA256 = r"(?P<sha256>[0-9a-f]{64})"

urlpatterns: list[URLPattern | URLResolver] = [
    # The procedures in force, their versions, and a province's own.
    path("quy-trinh/", procedures.procedure_list, name="procedures"),
    path(
        "quy-trinh/tai-len/<str:province>/",
        procedures.procedure_variant_upload,
        name="procedure-upload",
    ),
    path("quy-trinh/<slug:code>/", procedures.procedure_detail, name="procedure"),
    path("quy-trinh/<slug:code>/yaml/", procedures.procedure_download, name="procedure-yaml"),
    path(
        "quy-trinh/<slug:code>/nguong/<str:province>/",
        procedures.procedure_threshold_edit,
        name="procedure-threshold",
    ),
    # The officers' dossiers.
    path("ho-so/", dossiers.board, name="board"),
    path("ho-so/mo/", actions.dossier_open_page, name="dossier-open"),
    path("ho-so/<int:pk>/", dossiers.dossier, name="dossier"),
    path("ho-so/<int:pk>/thao-tac/<slug:action>/", actions.dossier_act, name="dossier-act"),
    path(
        "ho-so/<int:pk>/tai-lieu/<int:document_pk>/",
        dossiers.document_download,
        name="document",
    ),
    path(
        "ho-so/<int:pk>/quyet-dinh/<int:decision_pk>/",
        dossiers.decision_download,
        name="decision",
    ),
    path(
        "ho-so/<int:pk>/kiem-tra/<int:visit_pk>/",
        dossiers.field_visit_download,
        name="field-visit",
    ),
    # The public consultation, open consultations, recognised units, and the officers'
    # answers to the consultation's comments.
    path("lay-y-kien/", public.consultation_list, name="consultation-list"),
    path("lay-y-kien/<int:pk>/", public.consultation, name="consultation"),
    path("da-cong-nhan/", public.recognised, name="recognised"),
    # The recognised units on the registry's map (its overlay, see `map_overlay`).
    path("ban-do/", map.map_geojson, name="map"),
    path("ho-so/<int:pk>/y-kien/", public.dossier_comments, name="dossier-comments"),
    # Reports, and the public verification of a snapshot.
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
