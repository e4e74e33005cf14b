"""The SMS channel: how long a text is in SMS, its diacritic-free version, and what the
adapter makes of Kannel's answers (a real Kannel with its fake SMSC)."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from langso.core.testing import free_port
from langso.messaging.channels.base import PermanentFailure, Sent, TemporaryFailure
from langso.messaging.channels.sms import KannelSms, sms_ascii, sms_segments
from langso.messaging.kannel import Kannel
from langso.messaging.models import Channel, Message
from langso.messaging.tests.factories import queue_sms

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A" * 160, ("gsm", 1)),
        ("A" * 161, ("gsm", 2)),
        ("A" * 306, ("gsm", 2)),
        ("A" * 307, ("gsm", 3)),
        # The extension table (€, brackets) takes two septets a character.
        ("€" * 80, ("gsm", 1)),
        ("€" * 81, ("gsm", 2)),
        ("ạ" * 70, ("ucs2", 1)),
        ("ạ" * 71, ("ucs2", 2)),
        ("ạ" * 134, ("ucs2", 2)),
        ("ạ" * 135, ("ucs2", 3)),
        # One diacritic makes the whole message UCS-2.
        ("A" * 69 + "ệ", ("ucs2", 1)),
        ("A" * 70 + "ệ", ("ucs2", 2)),
    ],
)
def test_segments_follow_gsm_and_ucs2_lengths(text: str, expected: tuple[str, int]) -> None:
    """GSM: 160 characters alone, 153 a segment; any Vietnamese diacritic forces UCS-2:
    70 alone, 67 a segment."""
    assert tuple(sms_segments(text)) == expected


def test_ascii_version_fits_gsm() -> None:
    """The diacritic-free version drops tone and vowel marks, folds "Đ" and plain-ASCII's
    the punctuation, so that it travels as GSM in fewer segments."""
    text = "Đề nghị các hộ dự họp “thôn Đông” – lúc 8 giờ…" * 3
    plain = sms_ascii(text)
    assert plain.startswith('De nghi cac ho du hop "thon Dong" - luc 8 gio...')
    assert sms_segments(plain) == ("gsm", 1)
    assert sms_segments(text) == ("ucs2", 3)


def _message(address: str, body: str = "Họp thôn lúc 8 giờ") -> Message:
    return queue_sms(key=f"test:{address}:{body[:10]}", address=address, body=body)


def test_kannel_takes_a_vietnamese_message(kannel: Kannel) -> None:
    """Kannel answers 202 and the fake SMSC receives the text, diacritics intact (UCS-2)."""
    before = len(kannel.received())
    sent = KannelSms().send(_message("0912 345 678", "Tiêm chủng: 7 giờ sáng thứ Hai, Nhà văn hoá"))
    assert sent == Sent()
    kannel.wait_received(before + 1)
    got = kannel.received()[before]
    assert got.receiver == "+84912345678"
    assert got.text == "Tiêm chủng: 7 giờ sáng thứ Hai, Nhà văn hoá"


def test_a_number_that_is_no_mobile_is_permanent() -> None:
    """A landline is refused before anything is posted, with the reason."""
    with pytest.raises(PermanentFailure, match="máy bàn"):
        KannelSms().send(_message("0243 825 123"))


def test_a_text_longer_than_ten_segments_is_permanent() -> None:
    """Kannel would cut it at ten segments: the adapter refuses it whole instead."""
    with pytest.raises(PermanentFailure, match="11 phần"):
        KannelSms().send(_message("0912345678", "ạ" * (67 * 10 + 1)))


def test_a_request_kannel_refuses_is_permanent(kannel: Kannel, settings: Settings) -> None:
    """A 4xx from smsbox (here: a password it does not know) is never tried again."""
    settings.KANNEL_PASSWORD = "not-the-password"
    with pytest.raises(PermanentFailure, match="Cổng SMS từ chối"):
        KannelSms().send(_message("0912345678"))


def test_a_gateway_that_is_down_is_temporary(settings: Settings) -> None:
    """Nobody listening on smsbox's port: tried again later."""
    settings.KANNEL_SENDSMS_PORT = free_port()
    with pytest.raises(TemporaryFailure, match="Không kết nối được cổng gửi"):
        KannelSms().send(_message("0912345678"))


def test_the_sms_adapter_is_registered() -> None:
    """The app registers Kannel as the SMS channel when it starts."""
    from langso.messaging.channels.base import adapter_for

    assert isinstance(adapter_for(Channel.SMS), KannelSms)


def test_one_connection_to_smsbox_carries_a_dispatchs_messages(kannel: Kannel) -> None:
    """Three messages through one adapter (one dispatch) use one kept-alive TCP
    connection to smsbox; closing the adapter closes it."""
    before = len(kannel.received())
    adapter = KannelSms()
    sockets = []
    for n in range(3):
        assert adapter.send(_message(f"091234567{n}")) == Sent()
        assert adapter.smsbox.connection is not None
        sockets.append(adapter.smsbox.connection.sock)
    kannel.wait_received(before + 3)
    assert sockets[0] is not None
    assert sockets == [sockets[0]] * 3
    adapter.close()
    assert adapter.smsbox.connection is None
