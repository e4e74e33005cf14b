"""Pages of `messaging`: the dead letters of the officer's scope with their "send
again" button (/tin-nhan/loi/), and the links messages carry, which work without
signing in: a tracked link (/m/…) and the unsubscribe link of an e-mail.

Pages of `messaging`: a loudspeaker notice's audio for an officer in scope, and the
webhook Zalo posts delivery events to.

Kannel's callbacks: delivery reports (`dlr-url`) and incoming SMS (`sms-service`).
Kannel calls them with GET and no session; a report carries its message's signed token,
an incoming SMS the secret shared with Kannel's configuration."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langso.accounts.selectors import user_has_permission_somewhere
from langso.core.errors import AccessDenied, DomainError
from langso.core.files import content_response
from langso.core.pagination import next_page_query

from .audio import CONTENT_TYPES, speech_file
from .channels.loudspeaker import speech_text
from .models import Channel, Purpose
from .selectors import dead_letters as selectors
from .selectors.loudspeaker import loudspeaker_message_get_for_user
from .services.links import message_link_follow, unsubscribe_follow, unsubscribe_preview
from .services.outbox import message_retry
from .services.sms import KANNEL_REPORT_EVENTS, sms_incoming_receive, sms_report_record
from .services.zalo import zalo_event_record


@login_required
@require_GET
def dead_letter_list(request: HttpRequest) -> HttpResponse:
    if not user_has_permission_somewhere(
        user=request.user, permission=selectors.DEAD_LETTER_PERMISSION
    ):
        raise PermissionDenied
    after = request.GET.get("after", "")
    page = selectors.dead_letter_list_for_user(
        user=request.user, after=int(after) if after.isdigit() else None
    )
    rows = [
        (
            message,
            selectors.address_masked(channel=message.channel, address=message.address),
            Channel(message.channel).label if message.channel in Channel.values else "",
        )
        for message in page.rows
    ]
    return render(
        request,
        "messaging/dead_letters.html",
        {"rows": rows, "next_query": next_page_query(request.GET, page)},
    )


@login_required
@require_POST
def dead_letter_retry(request: HttpRequest, pk: int) -> HttpResponse:
    message_retry(actor=request.user, message_id=pk)
    messages.success(request, _("Tin nhắn đã được đưa lại vào hàng đợi gửi."))
    return redirect("messaging:dead-letters")


@require_GET
def link_follow(request: HttpRequest, token: str, target: str = "") -> HttpResponse:
    """A tracked link: the message is read, the reader goes on to the page."""
    path = message_link_follow(token=token, target=target, query=request.GET.urlencode())
    return HttpResponseRedirect(path)


# RFC 8058: a mail client unsubscribes with a POST of its own, which carries no CSRF
# token; the signed token in the address is what authorises the withdrawal, and all it
# can do is stop messages to the contact it names.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners open links); POST withdraws the consent."""
    if request.method == "POST":
        contact, purpose = unsubscribe_follow(token=token)
        done = True
    else:
        contact, purpose = unsubscribe_preview(token=token)
        done = False
    return render(
        request,
        "messaging/unsubscribe.html",
        {
            "done": done,
            "purpose": Purpose(purpose).label,
            "address": selectors.address_masked(channel=contact.channel, address=contact.address),
        },
    )


@login_required
@require_GET
def loudspeaker_audio(request: HttpRequest, pk: str, fmt: str) -> HttpResponseBase:
    """A loudspeaker notice read out, as MP3 or Ogg, drawn on request (never stored)."""
    message = loudspeaker_message_get_for_user(user=request.user, pk=int(pk))
    try:
        audio = speech_file(speech_text(message), fmt)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    return content_response(audio, name=f"thong-bao-{pk}.{fmt}", content_type=CONTENT_TYPES[fmt])


# Zalo signs its events (X-ZEvent-Signature) and carries no CSRF token.
@csrf_exempt
@require_POST
def zalo_events(request: HttpRequest) -> HttpResponse:
    """Zalo's delivery events: 200 when recorded (or of a kind we ignore), 403 when the
    signature is wrong, 400 when the body is not an event."""
    try:
        zalo_event_record(
            body=request.body, signature=request.headers.get("X-ZEvent-Signature", "")
        )
    except AccessDenied:
        return HttpResponse(status=403)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    return HttpResponse(status=200)


@require_GET
def sms_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A delivery report from Kannel: `type` is its `%d` (1 delivered, 2 failed,
    4 buffered, 8 SMSC accepted, 16 SMSC rejected)."""
    kind = request.GET.get("type", "")
    if not kind.isdigit() or int(kind) not in KANNEL_REPORT_EVENTS:
        return HttpResponseBadRequest("type", content_type="text/plain")
    sms_report_record(
        message_id=pk,
        idempotency_key=request.GET.get("key", ""),
        token=request.GET.get("token", ""),
        report_type=int(kind),
        reply=request.GET.get("reply", ""),
    )
    return HttpResponse("OK", content_type="text/plain")


@require_GET
def sms_incoming(request: HttpRequest) -> HttpResponse:
    """An SMS a resident sent, passed on by Kannel's sms-service (`from` = `%p`, `text` =
    `%a`); the body answered is the reply Kannel sends back (none when empty)."""
    if not constant_time_compare(request.GET.get("secret", ""), settings.KANNEL_MO_SECRET):
        return HttpResponse(status=403)
    reply = sms_incoming_receive(
        sender=request.GET.get("from", ""), text=request.GET.get("text", "")
    )
    return HttpResponse(reply, content_type="text/plain; charset=utf-8")
