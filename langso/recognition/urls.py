"""Pages of the recognition procedure, under /cong-nhan/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .views import dossiers

app_name = "recognition"

urlpatterns: list[URLPattern | URLResolver] = [
    path("ho-so/", dossiers.board, name="board"),
    path("ho-so/<int:pk>/", dossiers.dossier, name="dossier"),
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
]
