"""Kannel's callbacks: delivery reports (`dlr-url`) and incoming SMS (`sms-service`).
Kannel calls them with GET and no session; a report carries its message's signed token,
an incoming SMS the secret shared with Kannel's configuration."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET

from .services.sms import KANNEL_REPORT_EVENTS, sms_incoming_receive, sms_report_record


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
