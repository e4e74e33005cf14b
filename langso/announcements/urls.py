"""Officers' pages of `announcements`, under /thong-bao/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .views import reach

app_name = "announcements"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:pk>/tiep-can/", reach.reach, name="reach"),
    path("<int:pk>/chua-tiep-can/", reach.unreached, name="unreached"),
    path("<int:pk>/chua-tiep-can/pdf/", reach.unreached_pdf, name="unreached-pdf"),
    path(
        "<int:pk>/chua-tiep-can/<int:recipient>/da-bao-tan-nha/",
        reach.reached_in_person,
        name="reached-in-person",
    ),
]
