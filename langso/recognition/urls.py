"""Pages of the recognition procedure, under /cong-nhan/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .views import procedures

app_name = "recognition"

urlpatterns: list[URLPattern | URLResolver] = [
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
]
