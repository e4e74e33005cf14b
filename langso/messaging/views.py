"""Pages of `messaging`: a loudspeaker notice's audio for an officer in scope, and the
webhook Zalo posts delivery events to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from langso.core.errors import AccessDenied, DomainError
from langso.core.files import content_response

from .audio import CONTENT_TYPES, speech_file
from .channels.loudspeaker import speech_text
from .selectors.loudspeaker import loudspeaker_message_get_for_user
from .services.zalo import zalo_event_record


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
