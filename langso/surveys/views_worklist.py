"""A collector's worklist: the households of their villages still to visit, each with
the way to survey it in the browser."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from langso.accounts.roles import Permission

from .selectors_worklist import household_survey_for_user, worklist_for_user

PAGE_SIZE = 50


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """One village's households, never visited first, then visited longest ago; 50 a
    page by keyset."""
    if not request.user.has_perm(Permission.COLLECT_SURVEYS):
        raise PermissionDenied
    village = request.GET.get("thon", "")[:32]
    page = worklist_for_user(
        user=request.user, village=village, after=request.GET.get("sau", "")[:40], limit=PAGE_SIZE
    )
    survey = household_survey_for_user(user=request.user)
    next_url = None
    if page.next_after is not None and page.village is not None:
        next_url = "?" + urlencode({"thon": page.village.code, "sau": page.next_after})
    context = {
        "page": page,
        "survey": survey,
        "next_url": next_url,
        "is_later_page": bool(request.GET.get("sau")),
    }
    return render(request, "surveys/worklist.html", context)
