"""E-mail through Django's mail backend (SMTP in production), one connection for all the
e-mails of a dispatch.

Each e-mail's Message-ID is made from the message's idempotency key, so that a retry
after a crash is the same e-mail to any server or reader that keeps Message-IDs. An
e-mail to a contact ends with an unsubscribe link (and carries it as List-Unsubscribe,
with RFC 8058's one-click POST) that withdraws the contact's consent for the message's
purpose, without signing in.

An SMTP server refusing the recipient (5xx) is a permanent failure; a server that
cannot be reached, drops the connection or answers 4xx is a temporary one."""

from __future__ import annotations

import contextlib
import smtplib
from email.utils import parseaddr
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import translation
from django.utils.translation import gettext as _

from ..links import unsubscribe_link
from ..models import Channel, Message, Purpose
from .base import PermanentFailure, Sent, TemporaryFailure, adapter_register, channel_rate

# Characters of a Message-ID's left part (RFC 5322 atext) kept as they are; the others
# (":" of the keys among them) are percent-encoded, "%" being atext too.
_ATEXT = "!#$&'*+-/=?^_`{|}~"
# Seconds to wait for the SMTP server before calling the attempt a temporary failure.
SMTP_TIMEOUT = 30


def message_id(message: Message) -> str:
    """The Message-ID of `message`'s e-mail: the same for every attempt."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "langso.local"
    return f"<{quote(message.idempotency_key, safe=_ATEXT)}@{domain}>"


def _reply(exc: smtplib.SMTPException) -> str:
    """The server's own words, for the officer who reads the dead letter."""
    code: object = ""
    text: object = str(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, exc.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


class EmailAdapter:
    """Sends each message as one e-mail to its address."""

    def __init__(self) -> None:
        self.rate_per_second = channel_rate(Channel.EMAIL)
        self._connection: BaseEmailBackend | None = None
        # The server could not be reached in this dispatch: the rest wait for the next.
        self._unreachable: TemporaryFailure | None = None

    def _email(self, message: Message) -> EmailMessage:
        body = message.body
        headers = {"Message-ID": message_id(message)}
        if message.contact_id is not None and message.purpose != Purpose.WARNINGS:
            link = unsubscribe_link(contact_id=message.contact_id, purpose=message.purpose)
            with translation.override(settings.LANGUAGE_CODE):
                footer = _(
                    "Bạn nhận thư này vì đã đồng ý nhận “%(purpose)s”. "
                    "Không muốn nhận nữa: %(link)s"
                ) % {"purpose": Purpose(message.purpose).label, "link": link}
            body = f"{body.rstrip()}\n\n-- \n{footer}\n"
            headers["List-Unsubscribe"] = f"<{link}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        return EmailMessage(
            subject=message.subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
            headers=headers,
        )

    def send(self, message: Message) -> Sent:
        if self._unreachable is not None:
            raise self._unreachable
        try:
            if self._connection is None:
                self._connection = get_connection(fail_silently=False, timeout=SMTP_TIMEOUT)
                # Opened here, the connection stays open for the next messages (Django's
                # backend closes one it opened itself after each send).
                self._connection.open()
            self._connection.send_messages([self._email(message)])
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            reason = _("Máy chủ thư từ chối người nhận (%(reply)s).") % {"reply": _reply(exc)}
            if 400 <= code < 500:
                raise TemporaryFailure(reason) from exc
            raise PermanentFailure(reason) from exc
        except smtplib.SMTPResponseException as exc:
            reason = _("Máy chủ thư không nhận thư (%(reply)s).") % {"reply": _reply(exc)}
            if exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPSenderRefused):
                raise PermanentFailure(reason) from exc
            self._drop()
            raise TemporaryFailure(reason) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            self._unreachable = TemporaryFailure(
                _("Không kết nối được máy chủ thư (%(error)s).") % {"error": exc}
            )
            raise self._unreachable from exc
        return Sent(provider_ref=message_id(message))

    def _drop(self) -> None:
        """Forget a connection that failed; the next message opens another."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.close()

    def close(self) -> None:
        self._drop()


def register() -> None:
    adapter_register(Channel.EMAIL, EmailAdapter)
