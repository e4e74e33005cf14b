"""Officers' pages of `announcements`, under /thong-bao/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .views import officer, reach

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
    path("", officer.announcement_list, name="list"),
    path("soan/<str:code>/", officer.announcement_compose, name="compose"),
    path("<int:pk>/", officer.announcement_detail, name="detail"),
    path("<int:pk>/sua/", officer.announcement_edit, name="edit"),
    path("<int:pk>/xem-truoc/", officer.announcement_preview_page, name="preview"),
    path("<int:pk>/gui/", officer.announcement_send, name="send"),
    path("<int:pk>/huy/", officer.announcement_cancel, name="cancel"),
    path("<int:pk>/tep/<int:attachment_id>/", officer.attachment_download, name="attachment"),
    path("thon/<str:code>/to-tu-quan/", officer.group_list, name="groups"),
    path("to-tu-quan/<int:pk>/", officer.group_detail, name="group"),
    path("thon/<str:code>/dong-y/", officer.consent_list, name="consent"),
]
