"""The whole path for real: the outbox → smsbox → bearerbox → Kannel's fake SMSC →
delivery report → the live server; bearerbox killed mid-send; a bad number; "TU CHOI"
from a phone. Messages are told apart at the fake SMSC by a number in their text."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from langso.messaging.channels.base import Sent, adapter_register
from langso.messaging.channels.sms import KannelSms
from langso.messaging.kannel import Kannel, KannelSetup, fakesmsc_messages, kannel_conf
from langso.messaging.models import Channel, Message, MessageStatus
from langso.messaging.services.outbox import Dispatched, outbox_dispatch
from langso.messaging.testing import kannel_db
from langso.messaging.tests.factories import make_sms_contact, make_village_unit, queue_sms

# Noon in Hà Nội: messages are queued and sent then, outside quiet hours (22:00–06:00)
# whenever the suite runs.
NOON = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)
# Long enough for bearerbox's store, dumped every second, to hold what it has sent.
STORE_SETTLES = 1.5


def _wait_statuses(keys: list[str], status: str, *, timeout: float = 30.0) -> dict[str, str]:
    """The messages' statuses once all are `status` (or `timeout` has passed)."""
    deadline = time.monotonic() + timeout
    while True:
        with kannel_db():
            found = dict(
                Message.objects.filter(idempotency_key__in=keys).values_list(
                    "idempotency_key", "status"
                )
            )
        if all(found.get(k) == status for k in keys) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _dispatch(now: dt.datetime) -> Dispatched:
    with kannel_db():
        return outbox_dispatch(channel=Channel.SMS, now=now)


def _tagged(kannel: Kannel, tag: str) -> Counter[str]:
    """How many times the fake SMSC received each message of this test, by its number."""
    return Counter(
        m.text.rsplit("#", 1)[1] for m in kannel.received() if m.text.startswith(f"[{tag}]")
    )


def test_kannel_conf_keeps_messages_and_reports() -> None:
    """The configuration has a store file, internal delivery-report storage, the fake
    SMSC on loopback and the incoming-SMS service with the app's secret."""
    setup = KannelSetup(
        folder=Path("/srv/k"),
        host="127.0.0.1",
        admin_port=1,
        smsbox_port=2,
        sendsms_port=3,
        fakesmsc_port=4,
        fakesmsc_mo_port=5,
        user="u",
        password="p",
        admin_password="a",
        mo_secret="s&t",
        callback_url="http://app.example",
    )
    conf = kannel_conf(setup)
    for line in [
        'store-location = "/srv/k/kannel.store"',
        "dlr-storage = internal",
        "smsc = fake",
        "port = 4",
        "sendsms-port = 3",
        'username = "u"',
        'get-url = "http://app.example/tin-nhan/sms/den/?from=%p&text=%a&secret=s%26t"',
    ]:
        assert line in conf.splitlines(), line
    assert "smsc = fake" not in kannel_conf(setup, fake_smsc=False)


def test_fakesmsc_output_is_read_back() -> None:
    """Single messages in GSM and UCS-2, and a concatenated one put back together."""
    lines = [
        "x DEBUG: Got message 1: <LANGSO +84912345678 text Xin chao>",
        "x DEBUG: Got message 2: <LANGSO +84912345678 ucs-2 %00H%1E%CD%00p%00+%00t%00h%00%F4%00n>",
        "x DEBUG: Got message 3: <LANGSO +849 udh %05%00%03%07%02%02 data %00b>",
        "x DEBUG: Got message 4: <LANGSO +849 udh %05%00%03%07%02%01 data %00a>",
    ]
    assert [(m.text, m.segments) for m in fakesmsc_messages(lines)] == [
        ("Xin chao", 1),
        ("Họp thôn", 1),
        ("ab", 2),
    ]


def test_three_sms_are_delivered_with_reports(kannel: Kannel) -> None:
    """Three SMS (one with diacritics) go out through Kannel; the fake SMSC receives each
    once; its delivery reports reach the live server and the messages end delivered."""
    bodies = ["[e2e] Hop thon #1", "[e2e] Tiêm chủng lúc 7 giờ #2", "[e2e] Nop thue #3"]
    keys = [f"e2e:{n}" for n in range(3)]
    with kannel_db():
        for key, body in zip(keys, bodies, strict=True):
            queue_sms(key=key, address="0912345678", body=body, now=NOON)
    done = _dispatch(NOON)
    assert done.sent == 3
    assert set(_wait_statuses(keys, MessageStatus.DELIVERED).values()) == {MessageStatus.DELIVERED}
    received = [m.text for m in kannel.received() if m.text.startswith("[e2e]")]
    assert sorted(received) == sorted(bodies)


def _killing_after(kannel: Kannel, count: int, tag: str) -> Callable[[], KannelSms]:
    """An SMS adapter that kills bearerbox once Kannel has taken `count` messages and
    passed them on. Passed on first: a message bearerbox has written to the SMSC but
    not yet struck from its store is sent again after a restart (Kannel delivers at
    least once), and fakesmsc acknowledges nothing; killed in that instant, the test
    would count a double that is Kannel's, not the outbox's. The outbox's own promise
    is what this checks: the messages Kannel never took are retried, once each."""
    taken: list[int] = []

    class Killing(KannelSms):
        def send(self, message: Message) -> Sent:
            sent = super().send(message)
            taken.append(message.pk)
            if len(taken) == count:
                deadline = time.monotonic() + 20
                while sum(_tagged(kannel, tag).values()) < count:
                    if time.monotonic() > deadline:
                        break  # the final count says what is missing
                    time.sleep(0.05)
                # Past the store's dump (every second, `kannel_conf`).
                time.sleep(STORE_SETTLES)
                kannel.kill_bearerbox()
            return sent

    return Killing


def test_bearerbox_killed_mid_send_loses_and_doubles_nothing(kannel: Kannel) -> None:
    """bearerbox dies (SIGKILL) after taking 10 of 30 messages: the others wait and are
    retried; Kannel restarts from its store; in the end the fake SMSC has received each
    of the 30 exactly once and all are delivered (see `_killing_after` for when it
    dies)."""
    keys = [f"kill:{n}" for n in range(30)]
    with kannel_db():
        for n, key in enumerate(keys):
            queue_sms(key=key, address="0912345678", body=f"[kill] Thong bao #{n}", now=NOON)
    adapter_register(Channel.SMS, _killing_after(kannel, 10, "kill"))
    try:
        first = _dispatch(NOON)
    finally:
        adapter_register(Channel.SMS, KannelSms)
    assert (first.sent, first.retried) == (10, 20)
    kannel.start()
    # After the first backoff.
    second = _dispatch(NOON + dt.timedelta(minutes=2))
    assert second.sent == 20
    statuses = _wait_statuses(keys, MessageStatus.DELIVERED)
    assert Counter(statuses.values()) == {MessageStatus.DELIVERED: 30}
    assert _tagged(kannel, "kill") == {str(n): 1 for n in range(30)}


def test_a_bad_number_is_a_dead_letter(kannel: Kannel) -> None:
    """A landline is refused for good with the reason; nothing reaches the SMSC."""
    with kannel_db():
        message = queue_sms(key="bad:1", address="0243825123", body="[bad] #1", now=NOON)
    done = _dispatch(NOON)
    assert done.dead == 1
    with kannel_db():
        message.refresh_from_db()
    assert message.status == MessageStatus.DEAD
    assert "máy bàn" in message.last_error
    assert not _tagged(kannel, "bad")


def test_tu_choi_stops_the_next_message(kannel: Kannel) -> None:
    """A household's phone sends "TỪ CHỐI" through the SMSC: Kannel calls the app, which
    withdraws the consent and replies; the next announcement to the phone is not sent,
    while another household's is."""
    with kannel_db():
        unit = make_village_unit()
        stopping = make_sms_contact(unit=unit, phone="+84912000111", household_id=1)
        staying = make_sms_contact(unit=unit, phone="+84912000222", household_id=2)
    replies = kannel.incoming(sender="+84912000111", text="TỪ CHỐI")
    assert [r.receiver for r in replies] == ["+84912000111"]
    assert "ngung nhan tin" in replies[0].text
    with kannel_db():
        stopped = queue_sms(
            key="stop:1", address=stopping.address, body="[stop] #1", contact=stopping, now=NOON
        )
        sent = queue_sms(
            key="stop:2", address=staying.address, body="[stop] #2", contact=staying, now=NOON
        )
    assert stopped.status == MessageStatus.OPTED_OUT
    _dispatch(NOON)
    assert _wait_statuses([sent.idempotency_key], MessageStatus.DELIVERED)
    assert _tagged(kannel, "stop") == {"2": 1}
