"""The public page of a village's announcements: what a resident on a 3G phone opens,
so it is small, needs no JavaScript, names no one, and may be kept by caches a few
minutes (it varies only by the language cookie)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_cookie

from ..selectors.reach import public_village_get, village_announcements_public

# A new announcement shows on the page within this many seconds of being sent.
PUBLIC_MAX_AGE = 300


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@vary_on_cookie
def village_announcements(request: HttpRequest, code: str) -> HttpResponse:
    """The latest announcements addressed to the village: title, category, date, body."""
    village = public_village_get(code=code)
    return render(
        request,
        "announcements/public/village.html",
        {"village": village, "announcements": village_announcements_public(village=village)},
    )
