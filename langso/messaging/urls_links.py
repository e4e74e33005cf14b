"""The tracked links messages carry (/m/<token>/<path>), kept short for an SMS."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "links"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:token>/", views.link_follow, name="follow-home"),
    path("<str:token>/<path:target>", views.link_follow, name="follow"),
]
