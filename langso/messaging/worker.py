"""The messaging worker's loop: round after round, each channel that has an adapter is
given as many due messages as its token bucket allows (its adapter's
`rate_per_second`), and the worker sleeps when none was due or no channel had a token.
Asked to stop, it finishes the message being sent and gives the others back."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import translation

from .channels.base import adapter_channels, adapter_for
from .services.outbox import Dispatched, outbox_dispatch

logger = logging.getLogger(__name__)

# Most messages of one channel claimed in one round, whatever its rate.
ROUND_LIMIT = 500
# Longest sleep when nothing is due (seconds): how late a newly queued message may wait.
IDLE_SECONDS = 1.0


@dataclass
class TokenBucket:
    """`rate` tokens a second, holding at most a second's worth (at least one token), so
    that a channel idle for a while bursts no more than its rate allows in a second."""

    rate: float
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.capacity = max(1.0, self.rate)
        self.tokens = self.capacity
        self.stamp = self.clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def available(self) -> int:
        """Whole tokens there are now."""
        self._refill()
        return math.floor(self.tokens)

    def take(self, count: int) -> None:
        self._refill()
        self.tokens -= count

    def wait(self) -> float:
        """Seconds until the next whole token."""
        self._refill()
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class Worker:
    """Dispatches the outbox of `channels` (every channel with an adapter by default)."""

    channels: Sequence[str] = ()
    stopping: threading.Event = field(default_factory=threading.Event)
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    totals: Dispatched = field(default_factory=Dispatched)

    def __post_init__(self) -> None:
        self.channels = list(self.channels) or adapter_channels()
        for channel in self.channels:
            rate = adapter_for(channel).rate_per_second
            self.buckets[channel] = TokenBucket(rate=rate)

    def stop(self) -> None:
        """Stop after the message being sent (a signal handler's call)."""
        self.stopping.set()

    def round(self) -> int:
        """One pass over the channels; how many messages were claimed."""
        claimed = 0
        for channel in self.channels:
            if self.stopping.is_set():
                break
            bucket = self.buckets[channel]
            allowed = min(bucket.available(), ROUND_LIMIT)
            if allowed < 1:
                continue
            done = outbox_dispatch(channel=channel, limit=allowed, stop=self.stopping.is_set)
            used = done.sent + done.retried + done.failed + done.dead
            bucket.take(used)
            claimed += used
            for name in ("sent", "retried", "failed", "dead", "released"):
                setattr(self.totals, name, getattr(self.totals, name) + getattr(done, name))
        return claimed

    def idle_seconds(self) -> float:
        waits = [bucket.wait() for bucket in self.buckets.values()]
        return min([IDLE_SECONDS, *[w for w in waits if w > 0]]) if waits else IDLE_SECONDS

    def run(self, *, once: bool = False) -> Dispatched:
        """Round after round until stopped (one round with `once`)."""
        with translation.override(settings.LANGUAGE_CODE):
            while not self.stopping.is_set():
                # A connection the database dropped, or past CONN_MAX_AGE, is replaced
                # between rounds (never inside a caller's transaction: a test's).
                if not connection.in_atomic_block:
                    close_old_connections()
                claimed = self.round()
                if once:
                    break
                if claimed == 0:
                    self.stopping.wait(self.idle_seconds())
        return self.totals
