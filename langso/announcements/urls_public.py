"""A village's public announcements and their feeds, under /thon/<village code>/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.views.decorators.cache import cache_control

from .feeds import VillageAnnouncementsAtom, VillageAnnouncementsRss
from .views import public
from .views.public import PUBLIC_MAX_AGE

app_name = "village_announcements"

_cached = cache_control(public=True, max_age=PUBLIC_MAX_AGE)

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:code>/thong-bao/", public.village_announcements, name="list"),
    path("<str:code>/thong-bao/rss/", _cached(VillageAnnouncementsRss()), name="rss"),
    path("<str:code>/thong-bao/atom/", _cached(VillageAnnouncementsAtom()), name="atom"),
]
