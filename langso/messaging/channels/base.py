"""The one interface every channel implements, and how the worker finds them.

An adapter sends one message and says what the gateway answered:

- returns `Sent` when the gateway took it (`delivered` when taking it is delivering it,
  as for in-app messages; otherwise a delivery report comes later, or never);
- raises `TemporaryFailure` when it may work later (gateway down, timeout, rate limited
  upstream): the worker retries with backoff;
- raises `PermanentFailure` when it never will (an address the gateway refuses, a body
  too long for the channel): the message is failed at once.

Adapters are registered by channel (`adapter_register`) in their module, which the app
imports when ready; settings may replace one (tests point SMS at a Kannel they start).

A failure's message is what the dead-letters page shows an officer: a Vietnamese
sentence through gettext, with the gateway's own words (an SMTP reply) after it.
An adapter that keeps something open across the messages of one dispatch (an SMTP
connection) has a `close()` method, which the dispatch calls once it is done with them
(`adapter_batch`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from ..models import Channel, Message


@dataclass(frozen=True)
class Sent:
    # The gateway's id for the message, to match its delivery reports ("" if none).
    provider_ref: str = ""
    # Taking it is delivering it (in-app), no report will follow.
    delivered: bool = False


class TemporaryFailure(Exception):
    """The gateway could not take the message now; trying later may work."""


class PermanentFailure(Exception):
    """The gateway will never take this message as it is."""


class ChannelAdapter(Protocol):
    # Messages per second the channel is allowed (the gateway's or the contract's).
    rate_per_second: float

    def send(self, message: Message) -> Sent: ...


_ADAPTERS: dict[str, Callable[[], ChannelAdapter]] = {}


def adapter_register(channel: str, factory: Callable[[], ChannelAdapter]) -> None:
    """Make `factory` give the adapter of `channel` (a later registration replaces it)."""
    _ADAPTERS[channel] = factory


def adapter_for(channel: str) -> ChannelAdapter:
    """The adapter configured for `channel`; a channel nobody registered is a
    permanent failure of every message on it, said by name."""
    factory = _ADAPTERS.get(channel)
    if factory is None:
        label = Channel(channel).label if channel in Channel.values else channel
        raise PermanentFailure(_("Chưa có cách gửi qua kênh “%(channel)s”.") % {"channel": label})
    return factory()


def adapter_channels() -> list[str]:
    """The channels that have an adapter, in registration order (what the worker serves)."""
    return list(_ADAPTERS)


@contextmanager
def adapter_batch(adapter: ChannelAdapter) -> Iterator[ChannelAdapter]:
    """`adapter` for the messages of one dispatch, closed after them if it keeps
    something open (`close()`)."""
    try:
        yield adapter
    finally:
        close = getattr(adapter, "close", None)
        if close is not None:
            close()


# Messages per second when MESSAGING_RATES names no rate for a channel.
DEFAULT_RATE = 1.0


def channel_rate(channel: str) -> float:
    """The rate the settings allow `channel` (MESSAGING_RATES), for its adapter's
    `rate_per_second`."""
    rates: dict[str, float] = getattr(settings, "MESSAGING_RATES", {})
    return float(rates.get(channel, DEFAULT_RATE))


def channel_configured(channel: str) -> bool:
    """Whether messages on `channel` can go anywhere: registered, and configured when the
    adapter says it needs to be (`configured`, e.g. Zalo without the OA's token is not).
    Announcements skip a channel that is not."""
    factory = _ADAPTERS.get(channel)
    return factory is not None and bool(getattr(factory(), "configured", True))
