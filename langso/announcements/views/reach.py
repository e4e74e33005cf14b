"""Officers' pages of an announcement's reach: the table per village (households,
reached, share, no channel, failed) with bars, the unreached list of a village as a
print-friendly page and as a PDF for the village head, and the button that marks a
household of that list reached in person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from langso.core.pdf import pdf_from_html, pdf_response

from ..models import Announcement
from ..selectors.reach import (
    announcement_get_for_user,
    announcement_reach,
    may_mark_in_person,
    reach_village_for_user,
    recipient_get_for_user,
    unreached_households,
)
from ..services.reach import AlreadyReached, recipient_mark_reached_in_person


@login_required
@require_GET
def reach(request: HttpRequest, pk: int) -> HttpResponse:
    """The reach of an announcement per commune and village within the reader's scope."""
    announcement = announcement_get_for_user(user=request.user, pk=pk)
    found = announcement_reach(user=request.user, announcement=announcement)
    return render(request, "announcements/reach.html", {"reach": found})


def _unreached_context(request: HttpRequest, pk: int) -> dict[str, object]:
    announcement = announcement_get_for_user(user=request.user, pk=pk)
    village = reach_village_for_user(
        user=request.user, announcement=announcement, code=request.GET.get("thon", "")
    )
    return {
        "announcement": announcement,
        "village": village,
        "households": unreached_households(announcement=announcement, village=village),
        "printed_at": timezone.localtime(),
        "may_mark": may_mark_in_person(user=request.user, village=village),
    }


@login_required
@require_GET
def unreached(request: HttpRequest, pk: int) -> HttpResponse:
    """The unreached list of one village (`?thon=<code>`), printable; without a village,
    the reach table to choose one from."""
    if not request.GET.get("thon"):
        announcement = announcement_get_for_user(user=request.user, pk=pk)
        return redirect("announcements:reach", pk=announcement.pk)
    return render(request, "announcements/unreached.html", _unreached_context(request, pk))


@login_required
@require_GET
def unreached_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The unreached list of one village (`?thon=<code>`) as a PDF to print."""
    context = _unreached_context(request, pk)
    html = render_to_string("announcements/pdf/unreached.html", context, request=request)
    name = _("Hộ chưa tiếp cận - %(village)s.pdf") % {"village": context["village"]}
    return pdf_response(pdf_from_html(html), name=name)


def _unreached_url(announcement: Announcement, village_code: str) -> str:
    return f"{reverse('announcements:unreached', args=[announcement.pk])}?thon={village_code}"


@login_required
@require_POST
def reached_in_person(request: HttpRequest, pk: int, recipient: int) -> HttpResponse:
    """The village head met the household and told it: marked reached in person."""
    announcement = announcement_get_for_user(user=request.user, pk=pk)
    found = recipient_get_for_user(user=request.user, announcement=announcement, pk=recipient)
    try:
        recipient_mark_reached_in_person(actor=request.user, recipient=found)
    except AlreadyReached as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Đã ghi nhận hộ %(name)s được báo tận nhà.")
            % {"name": found.household.head_name or found.household.address_code},
        )
    return redirect(_unreached_url(announcement, found.village.code))
