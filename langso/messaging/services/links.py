"""What following a message's links does: a tracked link records the message read, an
unsubscribe link withdraws the contact's consent for the message's purpose."""

from __future__ import annotations

from django.db import transaction

from langso.core.errors import NotFound

from ..links import message_link_read, unsubscribe_read
from ..models import Contact, Message, Purpose, ReceiptEvent, WithdrawnVia
from .contacts import consent_withdraw
from .outbox import receipt_record


def message_link_follow(*, token: str, target: str, query: str = "") -> str:
    """The page a tracked link leads to, its message recorded read the first time; a
    link not made here is NotFound."""
    message_id, path = message_link_read(token=token, target=target, query=query)
    with transaction.atomic():
        message = Message.objects.filter(pk=message_id).first()
        # Opened again, it was read already: one receipt is enough.
        if message is not None and message.read_at is None:
            receipt_record(message=message, event=ReceiptEvent.READ, detail={"via": "link"})
    return path


def unsubscribe_preview(*, token: str) -> tuple[Contact, str]:
    """What an unsubscribe link would withdraw, for the page that asks to confirm."""
    contact_id, purpose = unsubscribe_read(token=token)
    contact = Contact.objects.filter(pk=contact_id).first()
    if contact is None or purpose not in Purpose.values:
        raise NotFound("")
    return contact, purpose


def unsubscribe_follow(*, token: str) -> tuple[Contact, str]:
    """The contact an unsubscribe link names and the purpose it no longer wants, its
    consent withdrawn (again is harmless); a link not made here is NotFound."""
    contact, purpose = unsubscribe_preview(token=token)
    consent_withdraw(contact=contact, purpose=purpose, via=WithdrawnVia.EMAIL_LINK)
    return contact, purpose
