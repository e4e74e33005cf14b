"""Test helpers of `messaging` for every app that sends through it: a channel adapter
that answers as a test scripts it and records what it was given, put in place of a
channel's adapter for one test, and messages to queue."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from langso.places.models import AdminUnit

from .channels import base
from .models import Channel, Contact, Message, Purpose
from .services.contacts import contact_upsert
from .services.outbox import Outgoing

A = TypeVar("A", bound=base.ChannelAdapter)

# An answer of the scripted adapter: what `send` returns, or the failure it raises.
Answer = base.Sent | base.TemporaryFailure | base.PermanentFailure


@dataclass
class ScriptedAdapter:
    """Answers each `send` with the next of `answers` (then `Sent()` for ever), and
    keeps the ids of the messages it was given, in order."""

    answers: list[Answer] = field(default_factory=list)
    rate_per_second: float = 1000.0
    sent: list[int] = field(default_factory=list)
    closed: int = 0

    def send(self, message: Message) -> base.Sent:
        self.sent.append(message.pk)
        answer = self.answers.pop(0) if self.answers else base.Sent()
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self) -> None:
        self.closed += 1


@contextmanager
def adapter_replaced(channel: str, adapter: A) -> Iterator[A]:
    """`adapter` answers for `channel` inside the block; the one before comes back after."""
    before = base._ADAPTERS.get(channel)
    base.adapter_register(channel, lambda: adapter)
    try:
        yield adapter
    finally:
        if before is None:
            base._ADAPTERS.pop(channel, None)
        else:
            base.adapter_register(channel, before)


def make_contact(
    *,
    unit: AdminUnit,
    address: str = "0912345678",
    channel: str = Channel.SMS,
    holder_id: int = 1,
    purposes: tuple[str, ...] = (Purpose.ANNOUNCEMENTS,),
) -> Contact:
    """A household's contact with a consent for each of `purposes`, as a survey records it."""
    return contact_upsert(
        channel=channel,
        address=address,
        holder_kind="household",
        holder_id=holder_id,
        unit=unit,
        purposes=purposes,
        source="survey",
    )


def outgoing_to(contact: Contact, key: str, **fields: str) -> Outgoing:
    """A message to `contact` named `key`, for announcements unless `fields` say else."""
    values: dict[str, str] = {
        "body": "Họp thôn lúc 19:00 tối nay tại nhà văn hóa.",
        "source": "test:1",
        "purpose": Purpose.ANNOUNCEMENTS,
        **fields,
    }
    return Outgoing(
        idempotency_key=key,
        channel=contact.channel,
        address=contact.address,
        unit_id=contact.unit_id,
        contact_id=contact.pk,
        **values,
    )
