"""Pages of `messaging` (/tin-nhan/)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from . import views

app_name = "messaging"

urlpatterns: list[URLPattern | URLResolver] = [
    path("loi/", views.dead_letter_list, name="dead-letters"),
    path("loi/<int:pk>/gui-lai/", views.dead_letter_retry, name="dead-letter-retry"),
    path("huy-nhan/<str:token>/", views.unsubscribe, name="unsubscribe"),
    re_path(
        r"^(?P<pk>[0-9]+)/loa\.(?P<fmt>mp3|ogg)$",
        views.loudspeaker_audio,
        name="loudspeaker-audio",
    ),
    path("zalo/su-kien/", views.zalo_events, name="zalo-events"),
    # Called by Kannel, not by people: the addresses are in kannel.conf and the dlr-url.
    path("sms/bao-cao/<int:pk>/", views.sms_report, name="sms-report"),
    path("sms/den/", views.sms_incoming, name="sms-incoming"),
]
