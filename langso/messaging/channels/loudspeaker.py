"""Loudspeaker: a message read out on a commune's IP loudspeaker system. Its text is
spoken (`audio.speech_file`) in the format the system plays and uploaded to it as a
multipart POST (the file in `file`, the system's token in `token`, the title in
`title`). A commune without a system (or with it switched off) gets no upload: the
message is accepted and its file is only downloadable, for the officer to play."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.utils.translation import gettext as _

from langso.core.errors import DomainError

from ..audio import CONTENT_TYPES, AudioUnavailable, speech_file
from ..models import Channel, Loudspeaker, Message
from .base import PermanentFailure, Sent, TemporaryFailure, adapter_register, channel_rate
from .http import http_post, multipart_body

logger = logging.getLogger(__name__)


def speech_text(message: Message) -> str:
    """What is read out: the title, then the body."""
    return f"{message.subject}.\n{message.body}" if message.subject else message.body


def loudspeaker_for(message: Message) -> Loudspeaker | None:
    """The working loudspeaker system of the commune the message is for, if any."""
    if message.unit is None or message.unit.commune_id is None:
        return None
    return Loudspeaker.objects.filter(unit_id=message.unit.commune_id, enabled=True).first()


class LoudspeakerAdapter:
    configured = True

    def __init__(self) -> None:
        # MESSAGING_RATES: one upload a second is plenty, a commune reads out a few
        # notices a day.
        self.rate_per_second = channel_rate(Channel.LOUDSPEAKER)

    def send(self, message: Message) -> Sent:
        system = loudspeaker_for(message)
        if system is None:
            return Sent()
        try:
            audio = speech_file(speech_text(message), system.audio_format)
        except DomainError as exc:
            raise PermanentFailure(exc.message) from exc
        except AudioUnavailable as exc:
            logger.error("loudspeaker audio of message %s: %s", message.pk, exc)
            raise TemporaryFailure(_("Chưa tạo được tệp âm thanh, sẽ thử lại sau.")) from exc
        body, content_type = multipart_body(
            fields={"token": system.token, "title": message.subject},
            file_field="file",
            file_name=f"thong-bao-{message.pk}.{system.audio_format}",
            file_type=CONTENT_TYPES[system.audio_format],
            content=audio,
        )
        answer = http_post(
            system.upload_url,
            body=body,
            headers={"Content-Type": content_type},
            timeout=settings.MESSAGING_HTTP_TIMEOUT,
        )
        if answer.busy:
            raise TemporaryFailure(_("Hệ thống loa đang bận hoặc không trả lời, sẽ gửi lại sau."))
        if answer.status >= 400:
            logger.warning("loudspeaker %s answered %s", system.upload_url, answer.status)
            raise PermanentFailure(
                _("Hệ thống loa từ chối tệp: kiểm tra địa chỉ tải lên và mã truy cập.")
            )
        return Sent(provider_ref=_upload_id(answer.body))


def _upload_id(body: bytes) -> str:
    """The system's id for the upload, when it answers one as JSON (`{"id": …}`)."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    return str(data.get("id", ""))[:100] if isinstance(data, dict) else ""


def register() -> None:
    adapter_register(Channel.LOUDSPEAKER, LoudspeakerAdapter)
