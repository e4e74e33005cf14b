"""Pages of the recognition procedure, under /cong-nhan/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .views import public

app_name = "recognition"

urlpatterns: list[URLPattern | URLResolver] = [
    # issue 16 (public): the consultation page, open consultations, recognised units,
    # the officers' answers to comments.
    path("lay-y-kien/", public.consultation_list, name="consultation-list"),
    path("lay-y-kien/<int:pk>/", public.consultation, name="consultation"),
    path("da-cong-nhan/", public.recognised, name="recognised"),
    path("ho-so/<int:pk>/y-kien/", public.dossier_comments, name="dossier-comments"),
]
