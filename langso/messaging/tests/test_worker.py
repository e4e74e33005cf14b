"""The worker: token buckets pace each channel to its adapter's rate; a round gives
each channel what its bucket allows; asked to stop mid-send it finishes that message
and gives the rest back; periodic jobs run at the first round, then once a period."""

from __future__ import annotations

import pytest

from langso.messaging.channels.base import Sent
from langso.messaging.models import Channel, Contact, Message, MessageStatus
from langso.messaging.services.outbox import messages_enqueue
from langso.messaging.testing import ScriptedAdapter, adapter_replaced, make_contact, outgoing_to
from langso.messaging.worker import TokenBucket, Worker, worker_tick_register
from langso.places.models import AdminUnit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_holds_a_seconds_worth_and_refills_at_its_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=5, clock=clock)
    assert bucket.available() == 5
    bucket.take(5)
    assert bucket.available() == 0
    assert bucket.wait() == pytest.approx(0.2)
    clock.now = 0.5
    assert bucket.available() == 2
    clock.now = 60
    assert bucket.available() == 5


def test_a_slow_channel_gets_a_token_every_few_seconds() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=0.5, clock=clock)
    bucket.take(bucket.available())
    clock.now = 1.0
    assert bucket.available() == 0
    assert bucket.wait() == pytest.approx(1.0)
    clock.now = 2.0
    assert bucket.available() == 1


@pytest.fixture
def feed(village: AdminUnit) -> Contact:
    """An in-app contact: the worker's tests run at any hour (SMS keeps quiet at night)."""
    return make_contact(unit=village, channel=Channel.INAPP, address="household:7")


def _queued(contact: Contact, count: int) -> None:
    messages_enqueue(outgoing=[outgoing_to(contact, f"tb:{n}") for n in range(count)])


def test_a_round_sends_no_more_than_the_rate_allows(feed: Contact) -> None:
    """A channel allowed 3 a second sends 3 of 10 in a round; the others stay queued."""
    _queued(feed, 10)
    with adapter_replaced(Channel.INAPP, ScriptedAdapter(rate_per_second=3)) as adapter:
        worker = Worker(channels=[Channel.INAPP])
        assert worker.buckets[Channel.INAPP].rate == 3
        # Time stands still: no token comes back during the round.
        worker.buckets[Channel.INAPP] = TokenBucket(rate=3, clock=Clock())
        totals = worker.run(once=True)
    assert (totals.sent, len(adapter.sent)) == (3, 3)
    assert Message.objects.filter(status=MessageStatus.QUEUED).count() == 7


def test_stopped_mid_send_it_finishes_that_message_only(feed: Contact) -> None:
    """SIGTERM arrives while the first message is with the gateway: it is recorded
    sent, the other claimed messages are queued again, and the loop ends."""
    _queued(feed, 5)
    worker: Worker

    class StopsTheWorker(ScriptedAdapter):
        def send(self, message: Message) -> Sent:
            worker.stop()
            return super().send(message)

    with adapter_replaced(Channel.INAPP, StopsTheWorker()) as adapter:
        worker = Worker(channels=[Channel.INAPP])
        totals = worker.run()
    assert (totals.sent, totals.released, len(adapter.sent)) == (1, 4, 1)
    assert Message.objects.filter(status=MessageStatus.QUEUED, attempts=0).count() == 4


def test_a_periodic_job_runs_at_the_first_round_then_once_per_period(
    feed: Contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job registered every 30 s runs at a worker's first round, not at the next
    rounds within 30 s, again after them; a job that raises is logged and the round
    still sends its messages."""
    monkeypatch.setattr("langso.messaging.worker._periodic", {})
    calls: list[float] = []
    clock = Clock()

    def sweep() -> None:
        calls.append(clock.now)

    def broken() -> None:
        raise RuntimeError("the sweep failed")

    worker_tick_register(sweep, 30)
    worker_tick_register(sweep, 30)
    worker_tick_register(broken, 30)
    _queued(feed, 1)
    with adapter_replaced(Channel.INAPP, ScriptedAdapter()) as adapter:
        worker = Worker(channels=[Channel.INAPP], clock=clock)
        for now in (0.0, 10.0, 29.9, 30.0, 45.0, 61.0):
            clock.now = now
            worker.run(once=True)
    assert calls == [0.0, 30.0, 61.0]
    assert len(adapter.sent) == 1


def test_a_periodic_job_needs_a_positive_period() -> None:
    with pytest.raises(ValueError, match="positive"):
        worker_tick_register(lambda: None, 0)
