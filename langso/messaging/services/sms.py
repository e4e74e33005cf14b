"""What Kannel tells the app: delivery reports of the SMS it sent, and SMS that residents
send ("TU CHOI" to stop receiving)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from langso.core.errors import DomainError, NotFound
from langso.core.text import normalize_name

from ..channels.sms import sms_report_token_valid
from ..models import Channel, Contact, Message, Receipt, ReceiptEvent, WithdrawnVia
from ..phones import vn_mobile_normalise
from .contacts import ALL_PURPOSES, consent_withdraw
from .outbox import receipt_record

# Kannel's delivery report types (`%d` in the dlr-url) and what each says of a message.
# "Buffered" (4): the SMSC holds it for a phone that is off, as good as accepted.
KANNEL_REPORT_EVENTS = {
    1: ReceiptEvent.DELIVERED,
    2: ReceiptEvent.FAILED,
    4: ReceiptEvent.ACCEPTED,
    8: ReceiptEvent.ACCEPTED,
    16: ReceiptEvent.FAILED,
}
# "TU CHOI", "tuchoi", "Từ chối", "TỪ CHỐI.": the keyword, folded to its letters.
_STOP_KEYWORD = "tuchoi"
_NOT_LETTERS = re.compile(r"[^a-z0-9]")


def sms_report_record(
    *, message_id: int, idempotency_key: str, token: str, report_type: int, reply: str = ""
) -> Message:
    """Record Kannel's delivery report `report_type` (a key of `KANNEL_REPORT_EVENTS`) on
    the message it was asked for. A report whose token does not match is refused as if
    the message did not exist; the same report twice (Kannel retries a callback that
    timed out) is recorded once."""
    event = KANNEL_REPORT_EVENTS[report_type]
    if not sms_report_token_valid(message_id, idempotency_key, token):
        raise NotFound(_("Không tìm thấy tin nhắn."))
    with transaction.atomic():
        # Locked: two copies of one report arriving together are recorded one after the
        # other, and the second sees the first.
        message = (
            Message.objects.select_for_update()
            .filter(pk=message_id, idempotency_key=idempotency_key, channel=Channel.SMS)
            .first()
        )
        if message is None:
            raise NotFound(_("Không tìm thấy tin nhắn."))
        if Receipt.objects.filter(
            message=message, event=event, detail__kannel=report_type
        ).exists():
            return message
        return receipt_record(
            message=message,
            event=event,
            detail={"kannel": report_type, "reply": reply[:200]},
            locked=True,
        )


def sms_is_stop_keyword(text: str) -> bool:
    """Whether an incoming SMS says "TU CHOI", in any case, with or without diacritics,
    spaces or a full stop."""
    return _NOT_LETTERS.sub("", normalize_name(text, fold_diacritics=True)) == _STOP_KEYWORD


def sms_incoming_receive(*, sender: str, text: str) -> str:
    """Act on an SMS a resident sent: "TU CHOI" withdraws the SMS consent of every contact
    at the sender's number (Decree 13/2023: the data subject may withdraw at any time, as
    simply as consent was given). Returns the reply to send back ("" for none)."""
    if not sms_is_stop_keyword(text):
        return ""
    try:
        phone = vn_mobile_normalise(sender)
    except DomainError:
        return ""
    # One phone may be two households' contact: its owner said no for the number.
    for contact in Contact.objects.filter(channel=Channel.SMS, address=phone):
        consent_withdraw(contact=contact, purpose=ALL_PURPOSES, via=WithdrawnVia.SMS_KEYWORD)
    # Without diacritics: one GSM message (160 characters) instead of two UCS-2 ones.
    return _("Lang So: so nay da ngung nhan tin thong bao. Canh bao thien tai van duoc gui.")
