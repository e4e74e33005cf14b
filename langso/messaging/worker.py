"""The messaging worker's loop: round after round, each channel that has an adapter is
given as many due messages as its token bucket allows (its adapter's
`rate_per_second`), and the worker sleeps when none was due or no channel had a token.
Asked to stop, it finishes the message being sent and gives the others back.

Periodic jobs ride on the same loop: an app above `messaging` (which may not be
imported from here) registers a function with `worker_tick_register(fn, every_seconds)`
in its `AppConfig.ready()`, and each worker calls it at its first round and then at most
once every `every_seconds` — announcements' sweep of scheduled ones that are due."""

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


@dataclass(frozen=True)
class PeriodicJob:
    fn: Callable[[], object]
    every_seconds: float


# By the function's dotted name, so that registering again (a second `ready()`)
# replaces rather than doubles.
_periodic: dict[str, PeriodicJob] = {}


def worker_tick_register(fn: Callable[[], object], every_seconds: float) -> None:
    """Have every messaging worker call `fn()` at its first round, then at most once
    every `every_seconds`. `fn` takes no argument and commits its own work; an error
    it raises is logged and the worker carries on sending."""
    if every_seconds <= 0:
        raise ValueError("every_seconds must be positive")
    _periodic[f"{fn.__module__}.{fn.__qualname__}"] = PeriodicJob(fn, every_seconds)


def worker_ticks() -> dict[str, PeriodicJob]:
    """The registered periodic jobs, by name."""
    return dict(_periodic)


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
    clock: Callable[[], float] = time.monotonic
    # When each periodic job next falls due (the clock's seconds); absent: at once.
    ticks_due: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.channels = list(self.channels) or adapter_channels()
        for channel in self.channels:
            rate = adapter_for(channel).rate_per_second
            self.buckets[channel] = TokenBucket(rate=rate)

    def stop(self) -> None:
        """Stop after the message being sent (a signal handler's call)."""
        self.stopping.set()

    def tick(self) -> None:
        """Run each periodic job that is due. A job's failure is logged, not raised: a
        sweep that fails must not stop the outbox."""
        now = self.clock()
        for name, job in worker_ticks().items():
            if self.stopping.is_set():
                return
            if self.ticks_due.get(name, now) > now:
                continue
            self.ticks_due[name] = now + job.every_seconds
            try:
                job.fn()
            except Exception:
                logger.exception("periodic job %s failed", name)

    def round(self) -> int:
        """The due periodic jobs, then one pass over the channels; how many messages
        were claimed."""
        self.tick()
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
