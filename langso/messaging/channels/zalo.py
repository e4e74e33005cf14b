"""Zalo: ZNS (Zalo Notification Service) template messages to a phone number, and the
Official Account's customer-service message to a follower's Zalo user id.

Both are Zalo's published HTTP APIs, called with the OA's access token in the
`access_token` header (docs/messaging.md, "Zalo"):

- ZNS: `POST {ZALO_ZNS_URL}` with `{"phone": "84912345678", "template_id": …,
  "template_data": {"tieu_de": …, "noi_dung": …}, "tracking_id": …}`;
- OA: `POST {ZALO_OA_MESSAGE_URL}` with `{"recipient": {"user_id": …},
  "message": {"text": …}}`.

Each answers `{"error": 0, "message": "Success", "data": {"msg_id": …}}` (OA:
`message_id`), or a negative `error` code. A contact's address is a phone (ZNS) when
it reads as a Vietnamese mobile number, otherwise a Zalo user id (OA). Without a token
the channel is not configured: its messages fail for good, saying so."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from langso.core.errors import DomainError

from ..models import Channel, Message
from ..phones import vn_mobile_normalise
from .base import PermanentFailure, Sent, TemporaryFailure, adapter_register, channel_rate
from .http import http_post

logger = logging.getLogger(__name__)

# Zalo keeps at most 48 characters of a tracking_id.
TRACKING_ID_MAX = 48
# The OA API takes a text message of at most 2,000 characters.
OA_TEXT_MAX = 2000

# ZNS error codes (developers.zalo.me, "Bảng mã lỗi ZNS") that trying later may cure:
# the token expired (it lives 25 hours and is refreshed outside this app), the OA's
# balance or daily quota is spent, the template may not be sent at night.
_ZNS_TEMPORARY = {
    -124: "token",
    -115: "balance",
    -126: "balance",
    -144: "quota",
    -147: "quota",
    -133: "night",
    -100: "unknown",
}
# And those that say this message will never go as it is.
_ZNS_PERMANENT = {
    -108: "phone",
    -109: "template",
    -117: "template",
    -131: "template",
    -112: "data",
    -130: "data",
    -132: "data",
    -114: "recipient",
    -118: "recipient",
    -119: "recipient",
    -139: "recipient",
    -141: "recipient",
}
# OA message API codes: -216 the access token is invalid or expired, -32 too many
# requests a minute, -211 the OA's quota is spent; -213 the user does not follow the
# OA, -230 the user has not written to the OA within the last 7 days (the window for
# customer-service messages), -201 a parameter is wrong.
_OA_TEMPORARY = {-216: "token", -124: "token", -32: "quota", -211: "quota"}
_OA_PERMANENT = {-213: "recipient", -230: "recipient", -201: "data"}


def _reason(kind: str) -> str:
    return {
        "token": _("Mã truy cập Zalo OA hết hạn hoặc không hợp lệ: cần cấp lại."),
        "balance": _("Tài khoản ZNS của OA không đủ số dư."),
        "quota": _("Đã hết hạn mức gửi tin Zalo trong ngày hoặc gửi quá nhanh."),
        "night": _("Mẫu ZNS này không được gửi ban đêm (22:00–06:00)."),
        "unknown": _("Zalo gặp lỗi chưa rõ nguyên nhân."),
        "phone": _("Zalo không nhận số điện thoại này."),
        "template": _("Mẫu ZNS không hợp lệ, chưa được duyệt hoặc OA không được phép dùng."),
        "data": _("Nội dung tin không hợp với mẫu hoặc quá dài."),
        "recipient": _("Người nhận không dùng Zalo, không quan tâm OA hoặc đã từ chối nhận."),
        "refused": _("Zalo từ chối tin nhắn."),
    }[kind]


def zalo_configured() -> bool:
    """Whether Zalo can be written to at all (announcements skip it otherwise)."""
    return bool(settings.ZALO_OA_ACCESS_TOKEN)


def _tracking_id(message: Message) -> str:
    """Our name for the message, which Zalo echoes in its delivery events."""
    key = message.idempotency_key
    return key if len(key) <= TRACKING_ID_MAX else f"message:{message.pk}"


def _phone(address: str) -> str | None:
    """`address` as ZNS wants a phone (84 and nine digits), or None for a user id."""
    try:
        return vn_mobile_normalise(address).removeprefix("+")
    except DomainError:
        if address.isdigit():
            return None
        raise


class ZaloAdapter:
    """Sends a message through Zalo, by ZNS to a phone or by the OA to a follower."""

    def __init__(self) -> None:
        self.token: str = settings.ZALO_OA_ACCESS_TOKEN
        self.template_id: str = settings.ZALO_ZNS_TEMPLATE_ID
        self.rate_per_second: float = channel_rate(Channel.ZALO)
        self.configured = bool(self.token)

    def send(self, message: Message) -> Sent:
        if not self.configured:
            raise PermanentFailure(
                _("Kênh Zalo chưa được cấu hình: chưa có mã truy cập của Zalo OA.")
            )
        try:
            phone = _phone(message.address)
        except DomainError as exc:
            raise PermanentFailure(exc.message) from exc
        if phone is None:
            return self._oa_send(message)
        return self._zns_send(message, phone)

    def _zns_send(self, message: Message, phone: str) -> Sent:
        if not self.template_id:
            raise PermanentFailure(_("Kênh Zalo chưa được cấu hình: chưa có mẫu ZNS."))
        payload = {
            "phone": phone,
            "template_id": self.template_id,
            "template_data": {"tieu_de": message.subject, "noi_dung": message.body},
            "tracking_id": _tracking_id(message),
        }
        data = self._post(settings.ZALO_ZNS_URL, payload)
        return self._sent(data, "msg_id", temporary=_ZNS_TEMPORARY, permanent=_ZNS_PERMANENT)

    def _oa_send(self, message: Message) -> Sent:
        text = f"{message.subject}\n{message.body}" if message.subject else message.body
        if len(text) > OA_TEXT_MAX:
            raise PermanentFailure(
                _("Tin Zalo dài %(length)s ký tự, quá %(limit)s ký tự Zalo nhận.")
                % {"length": len(text), "limit": OA_TEXT_MAX}
            )
        payload = {"recipient": {"user_id": message.address}, "message": {"text": text}}
        data = self._post(settings.ZALO_OA_MESSAGE_URL, payload)
        return self._sent(data, "message_id", temporary=_OA_TEMPORARY, permanent=_OA_PERMANENT)

    def _post(self, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        answer = http_post(
            url,
            body=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"access_token": self.token, "Content-Type": "application/json"},
            timeout=settings.MESSAGING_HTTP_TIMEOUT,
        )
        if answer.busy:
            raise TemporaryFailure(_("Zalo đang bận hoặc không trả lời, sẽ gửi lại sau."))
        try:
            data = json.loads(answer.body)
        except ValueError as exc:
            raise TemporaryFailure(_("Zalo trả lời không đọc được, sẽ gửi lại sau.")) from exc
        if not isinstance(data, dict) or answer.status >= 400:
            logger.warning("Zalo answered HTTP %s: %r", answer.status, answer.body[:500])
            raise PermanentFailure(_reason("refused"))
        return data

    @staticmethod
    def _sent(
        data: dict[str, Any],
        id_field: str,
        *,
        temporary: dict[int, str],
        permanent: dict[int, str],
    ) -> Sent:
        code = data.get("error")
        if code == 0:
            ref = (data.get("data") or {}).get(id_field, "")
            return Sent(provider_ref=str(ref))
        # Zalo's own words go to the log, with its code; the officer reads ours.
        logger.warning("Zalo error %s: %s", code, data.get("message"))
        if isinstance(code, int) and code in temporary:
            raise TemporaryFailure(_reason(temporary[code]))
        raise PermanentFailure(
            _reason(permanent.get(code, "refused") if isinstance(code, int) else "refused")
        )


def register() -> None:
    adapter_register(Channel.ZALO, ZaloAdapter)
