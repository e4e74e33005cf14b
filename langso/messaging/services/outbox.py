"""The transactional outbox: queue messages in the caller's transaction, send them from
the worker with retries, backoff and quiet hours, and record what the gateways say.

**Queuing.** `message_enqueue` / `messages_enqueue` write `Message` rows in whatever
transaction the caller is in, so a message exists exactly when what caused it does. The
caller names each message (`idempotency_key`): queuing a name again returns the one
already queued, so a retried request or a double click never sends twice. A contact
without a standing consent for the purpose is not written to: its message is stored as
`opted_out` (counted, never sent); a warning needs no consent.

**Sending.** `outbox_dispatch` claims due messages (`queued`, `next_attempt_at` passed),
marks them `sending` with one more attempt in a short transaction (rows locked and
skipped by other workers on PostgreSQL), then sends each through its channel's adapter
outside any transaction. A temporary failure puts the message back to `queued` after a
backoff (`RETRY_DELAYS`); when they are used up, or on a permanent failure, it is `dead`
(a dead letter an officer may send again) or `failed`. A message left `sending` by a
worker that died is claimed again after `STALE_SENDING`.

**Quiet hours.** No SMS between 22:00 and 06:00 (Vietnam time) except warnings: a
message queued then waits until 06:00, and the worker claims none in the night (a retry
or a late queue never slips into it).

**Receipts.** `receipt_record` appends what a gateway or a reader told and moves the
status forward only (a late "accepted" never undoes "delivered"), publishing
`MessageStatusChanged` for the apps that count. Every change of status publishes it
once, except the worker's own bookkeeping: claiming a message (`queued` → `sending`)
and putting it back for a retry (`sending` → `queued`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.db import capabilities
from langso.core.events import publish
from langso.core.models import AuditEntry
from langso.core.services import audit_record

from ..channels.base import (
    ChannelAdapter,
    PermanentFailure,
    Sent,
    TemporaryFailure,
    adapter_batch,
    adapter_for,
)
from ..events import MessageStatusChanged
from ..models import (
    FINAL_STATUSES,
    Channel,
    Consent,
    Message,
    MessageStatus,
    Priority,
    Purpose,
    Receipt,
    ReceiptEvent,
)
from ..selectors.dead_letters import dead_letter_get_for_user

logger = logging.getLogger(__name__)

# Seconds to wait before each retry; after the last, the message is a dead letter.
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600)
# A message `sending` this long belongs to a worker that died: claim it again.
STALE_SENDING = dt.timedelta(minutes=10)
# Messages a gateway took, written together: a worker that dies before writing them
# leaves them `sending`, claimed and sent again after STALE_SENDING (the crash window).
RECORD_EVERY = 50
# Channels that keep quiet at night, and the night (local hours).
QUIET_CHANNELS = frozenset({Channel.SMS})
QUIET_FROM, QUIET_UNTIL = 22, 6
# The night is Vietnam's whatever the server's TIME_ZONE.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# How far each receipt moves a message; a receipt never moves it back.
_RANK: dict[str, int] = {
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.ACCEPTED: 2,
    MessageStatus.FAILED: 3,
    MessageStatus.DELIVERED: 4,
    MessageStatus.READ: 5,
}
_EVENT_STATUS = {
    ReceiptEvent.ACCEPTED: MessageStatus.ACCEPTED,
    ReceiptEvent.DELIVERED: MessageStatus.DELIVERED,
    ReceiptEvent.FAILED: MessageStatus.FAILED,
    ReceiptEvent.READ: MessageStatus.READ,
    ReceiptEvent.OPTED_OUT: MessageStatus.OPTED_OUT,
}
_STAMP = {
    MessageStatus.ACCEPTED: "accepted_at",
    MessageStatus.DELIVERED: "delivered_at",
    MessageStatus.READ: "read_at",
}


@dataclass(frozen=True)
class Outgoing:
    """A message to queue: to `address` on `channel`, for `purpose`, named by the caller
    (`idempotency_key`), from `source` ("announcement:12"), about a recipient at
    `unit_id` (their lowest unit)."""

    idempotency_key: str
    channel: str
    address: str
    body: str
    source: str
    purpose: str
    unit_id: int | None = None
    contact_id: int | None = None
    subject: str = ""
    priority: str = Priority.NORMAL


def quiet_until(*, channel: str, priority: str, at: dt.datetime) -> dt.datetime:
    """When a message queued `at` may first be sent: at once, or at the end of the
    night for a non-warning on a quiet channel."""
    if channel not in QUIET_CHANNELS or priority == Priority.WARNING:
        return at
    local = at.astimezone(VIETNAM)
    if QUIET_UNTIL <= local.hour < QUIET_FROM:
        return at
    morning = local.replace(hour=QUIET_UNTIL, minute=0, second=0, microsecond=0)
    if local.hour >= QUIET_FROM:
        morning += dt.timedelta(days=1)
    return morning


def _consented(contact_ids: Iterable[int], purpose: str) -> set[int]:
    """The contacts among `contact_ids` with a standing consent for `purpose`."""
    ids = list(contact_ids)
    found: set[int] = set()
    # Chunked: SQLite allows a limited number of parameters per query.
    for start in range(0, len(ids), 5000):
        found.update(
            Consent.objects.filter(
                contact_id__in=ids[start : start + 5000],
                purpose=purpose,
                withdrawn_at__isnull=True,
            ).values_list("contact_id", flat=True)
        )
    return found


def _message(outgoing: Outgoing, *, now: dt.datetime, consented: bool) -> Message:
    status = MessageStatus.QUEUED if consented else MessageStatus.OPTED_OUT
    # A message of the warnings purpose is a warning however it was queued: first, and
    # in quiet hours too.
    priority = Priority.WARNING if outgoing.purpose == Purpose.WARNINGS else outgoing.priority
    return Message(
        idempotency_key=outgoing.idempotency_key,
        channel=outgoing.channel,
        address=outgoing.address,
        contact_id=outgoing.contact_id,
        unit_id=outgoing.unit_id,
        source=outgoing.source,
        purpose=outgoing.purpose,
        priority=priority,
        subject=outgoing.subject,
        body=outgoing.body,
        status=status,
        next_attempt_at=quiet_until(channel=outgoing.channel, priority=priority, at=now),
        created_at=now,
    )


def _needs_consent(outgoing: Outgoing) -> bool:
    return outgoing.contact_id is not None and not (
        outgoing.priority == Priority.WARNING or outgoing.purpose == Purpose.WARNINGS
    )


def message_enqueue(*, outgoing: Outgoing, now: dt.datetime | None = None) -> Message:
    """Queue one message in the caller's transaction; its name queued already gives the
    message already there, unchanged (also when another request queues it meanwhile)."""
    now = now or timezone.now()
    found = Message.objects.filter(idempotency_key=outgoing.idempotency_key).first()
    if found is not None:
        return found
    consented = not _needs_consent(outgoing) or bool(
        _consented([outgoing.contact_id or 0], outgoing.purpose)
    )
    message = _message(outgoing, now=now, consented=consented)
    try:
        # A savepoint: losing the race to a concurrent request leaves the caller's
        # transaction usable.
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return Message.objects.get(idempotency_key=outgoing.idempotency_key)
    if not consented:
        Receipt.objects.create(message=message, event=ReceiptEvent.OPTED_OUT, at=now)
    return message


def messages_enqueue(
    *, outgoing: Sequence[Outgoing], now: dt.datetime | None = None, batch_size: int = 5000
) -> int:
    """Queue many messages in the caller's transaction, in batches; names already
    queued are skipped. Returns how many were new. Written by the outbox's one bulk
    writer (`messages_enqueue_query`'s), which applies consent and quiet hours."""
    now = now or timezone.now()
    written = 0
    # Each message is ten parameters: SQLite binds a limited number per statement.
    batch_size = max(1, min(batch_size, capabilities().max_query_params // 10))
    for start in range(0, len(outgoing), batch_size):
        batch = outgoing[start : start + batch_size]
        keys = [o.idempotency_key for o in batch]
        existing = set(
            Message.objects.filter(idempotency_key__in=keys).values_list(
                "idempotency_key", flat=True
            )
        )
        # A name given twice in the batch is queued once, as first given.
        unique: dict[str, Outgoing] = {}
        for o in batch:
            if o.idempotency_key not in existing:
                unique.setdefault(o.idempotency_key, o)
        if not unique:
            continue
        row = "({})".format(", ".join(_VALUE_PLACEHOLDERS))
        values = "VALUES " + ", ".join([row] * len(unique))
        params = [getattr(o, name) for o in unique.values() for name in OUTGOING_COLUMNS]
        written += _insert_from(
            values, params, now=now, refusals=any(_needs_consent(o) for o in unique.values())
        )
    return written


# What a source of messages to queue yields, in this order (`messages_enqueue_query`):
# the fields of `Outgoing`.
OUTGOING_COLUMNS = (
    "idempotency_key",
    "channel",
    "address",
    "body",
    "source",
    "purpose",
    "unit_id",
    "contact_id",
    "subject",
    "priority",
)
# Ids cast: a column of NULLs in VALUES is text on PostgreSQL.
_VALUE_PLACEHOLDERS = tuple(
    "CAST(%s AS BIGINT)" if name.endswith("_id") else "%s" for name in OUTGOING_COLUMNS
)


def messages_enqueue_query(
    *, addressees: QuerySet[Any, Any], now: dt.datetime | None = None
) -> int:
    """Queue, in the caller's transaction and in one INSERT … SELECT, a message for each
    row of `addressees` (a `values_list` of `OUTGOING_COLUMNS`, in that order): the
    database builds the rows, Python none — an announcement to a province. Their names
    must be new (the unique key refuses a repeat with an IntegrityError: the caller's
    own lock guarantees it, as an announcement's status does). Returns how many."""
    sql, params = addressees.query.sql_with_params()
    return _insert_from(sql, list(params), now=now or timezone.now(), refusals=True)


def _insert_from(source: str, params: list[Any], *, now: dt.datetime, refusals: bool) -> int:
    """The outbox's one bulk writer: the messages `source` (SQL yielding
    `OUTGOING_COLUMNS`) describes, with the rules of `_message` written in SQL — a
    message of the warnings purpose is a warning; a contact without a standing consent
    for the purpose is written `opted_out` (a warning needs none), with its receipt when
    `refusals`; a non-warning on a quiet channel waits for the morning."""
    quote = connection.ops.quote_name
    stamp = connection.ops.adapt_datetimefield_value
    warning = "(o.priority = %s OR o.purpose = %s)"
    warning_params = [Priority.WARNING, Purpose.WARNINGS]
    quiet = ", ".join(["%s"] * len(QUIET_CHANNELS))
    morning = quiet_until(channel=Channel.SMS, priority=Priority.NORMAL, at=now)
    columns = ", ".join(OUTGOING_COLUMNS)
    message = quote(Message._meta.db_table)
    consent = quote(Consent._meta.db_table)
    # The WITH inside the INSERT: SQLite counts the rows of a statement that begins with
    # INSERT only.
    sql = (
        f"INSERT INTO {message} ({columns}, status, attempts, next_attempt_at, "  # noqa: S608  # names from the models, values as parameters
        f"last_error, provider_ref, created_at) "
        f"WITH o ({columns}) AS ({source}) "
        "SELECT o.idempotency_key, o.channel, o.address, o.body, o.source, o.purpose, "
        "o.unit_id, o.contact_id, o.subject, "
        f"CASE WHEN {warning} THEN %s ELSE o.priority END, "
        f"CASE WHEN o.contact_id IS NULL OR {warning} OR EXISTS (SELECT 1 FROM {consent} c "
        "WHERE c.contact_id = o.contact_id AND c.purpose = o.purpose "
        "AND c.withdrawn_at IS NULL) THEN %s ELSE %s END, "
        f"0, CASE WHEN o.channel IN ({quiet}) AND NOT {warning} THEN %s ELSE %s END, "
        "'', '', %s FROM o"
    )
    params = [
        *params,
        *warning_params,
        Priority.WARNING,
        *warning_params,
        MessageStatus.QUEUED,
        MessageStatus.OPTED_OUT,
        *sorted(QUIET_CHANNELS),
        *warning_params,
        stamp(morning),
        stamp(now),
        stamp(now),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = int(cursor.rowcount)
        if refusals:
            _refusals_record(cursor, now=now)
    return written


def _refusals_record(cursor: Any, *, now: dt.datetime) -> None:
    """The receipt of each message just written `opted_out` (at `now`) that has none."""
    quote = connection.ops.quote_name
    detail = Receipt._meta.get_field("detail").get_db_prep_save({}, connection)
    stamp = connection.ops.adapt_datetimefield_value(now)
    receipt = quote(Receipt._meta.db_table)
    message = quote(Message._meta.db_table)
    cursor.execute(
        f"INSERT INTO {receipt} (message_id, event, at, detail) "  # noqa: S608  # names from the models
        f"SELECT m.id, %s, %s, %s FROM {message} m "
        "WHERE m.status = %s AND m.created_at = %s AND NOT EXISTS "
        f"(SELECT 1 FROM {receipt} r WHERE r.message_id = m.id AND r.event = %s)",
        [
            ReceiptEvent.OPTED_OUT,
            stamp,
            detail,
            MessageStatus.OPTED_OUT,
            stamp,
            ReceiptEvent.OPTED_OUT,
        ],
    )


@dataclass
class Dispatched:
    """What one dispatch round did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    dead: int = 0
    # Claimed but given back unsent: the worker was asked to stop.
    released: int = 0


def _quiet_now(now: dt.datetime) -> Q:
    """The messages that must not leave at `now`: non-warnings on quiet channels in the
    night."""
    if quiet_until(channel=Channel.SMS, priority=Priority.NORMAL, at=now) == now:
        return Q(pk__in=[])
    return Q(channel__in=QUIET_CHANNELS) & ~Q(priority=Priority.WARNING)


def _claim(*, channel: str | None, limit: int, now: dt.datetime) -> list[Message]:
    due = Q(status=MessageStatus.QUEUED, next_attempt_at__lte=now) | Q(
        status=MessageStatus.SENDING, next_attempt_at__lte=now - STALE_SENDING
    )
    # SQLite: the transaction takes the write lock when it begins (settings'
    # transaction_mode IMMEDIATE), so two workers never read the same due rows.
    with transaction.atomic():
        query = Message.objects.filter(due).exclude(_quiet_now(now))
        if channel:
            query = query.filter(channel=channel)
        # Warnings first, then the oldest.
        query = query.order_by("-priority", "next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True)
        claimed = list(query[:limit])
        for message in claimed:
            message.status = MessageStatus.SENDING
            message.attempts += 1
            # Claimed until then: a worker that dies leaves it to be claimed again.
            message.next_attempt_at = now
        # One UPDATE for the round: every claimed row changes the same way.
        Message.objects.filter(pk__in=[m.pk for m in claimed]).update(
            status=MessageStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now
        )
    return claimed


def _release(messages: Sequence[Message]) -> None:
    """Give claimed messages back unsent, as they were (due now, the attempt not made)."""
    Message.objects.filter(pk__in=[m.pk for m in messages], status=MessageStatus.SENDING).update(
        status=MessageStatus.QUEUED, attempts=F("attempts") - 1
    )


def _move(message: Message, after: str, *, fields: Sequence[str] = (), tell: bool = True) -> None:
    before = message.status
    message.status = after
    message.save(update_fields=["status", *fields])
    if tell and before != after:
        _tell(message, before)


def _tell(message: Message, before: str) -> None:
    publish(
        MessageStatusChanged(
            message_id=message.pk,
            source=message.source,
            channel=message.channel,
            unit_id=message.unit_id,
            before=before,
            after=message.status,
        )
    )


def _moves(status: str, after: str) -> bool:
    """Whether a receipt saying `after` moves a message that is `status`: forward only,
    and never out of dead or opted out."""
    if status in (MessageStatus.DEAD, MessageStatus.OPTED_OUT):
        return False
    return _RANK.get(after, 0) > _RANK.get(status, 0)


def _dead(message: Message, error: str, *, now: dt.datetime) -> None:
    with transaction.atomic():
        message.last_error = error
        _move(message, MessageStatus.DEAD, fields=["last_error"])
        Receipt.objects.create(
            message=message, event=ReceiptEvent.FAILED, at=now, detail={"error": error}
        )


def _retry_later(message: Message, error: str, *, now: dt.datetime) -> None:
    with transaction.atomic():
        message.last_error = error
        message.next_attempt_at = now + dt.timedelta(seconds=RETRY_DELAYS[message.attempts - 1])
        _move(message, MessageStatus.QUEUED, fields=["last_error", "next_attempt_at"], tell=False)
        Receipt.objects.create(
            message=message, event=ReceiptEvent.RETRY, at=now, detail={"error": error}
        )


def _send_one(
    adapter: ChannelAdapter,
    message: Message,
    *,
    now: dt.datetime,
    done: Dispatched,
    taken: list[tuple[Message, Sent]],
) -> None:
    """Send `message`; a failure is written at once, a success joins `taken`, written
    with others by `_record_taken`."""
    try:
        sent = adapter.send(message)
    except PermanentFailure as exc:
        _dead(message, str(exc), now=now)
        done.dead += 1
        return
    except Exception as exc:
        # A TemporaryFailure, or an adapter's own fault: the message is not lost, it is
        # tried again (and ends a dead letter if the fault stays).
        if not isinstance(exc, TemporaryFailure):
            logger.exception(
                "messaging: %s adapter failed on message %s", message.channel, message.pk
            )
            exc = TemporaryFailure(_("Lỗi không mong đợi khi gửi: %(error)s") % {"error": exc})
        if message.attempts > len(RETRY_DELAYS):
            _dead(message, str(exc), now=now)
            done.dead += 1
        else:
            _retry_later(message, str(exc), now=now)
            done.retried += 1
        return
    taken.append((message, sent))
    done.sent += 1


def _record_taken(taken: list[tuple[Message, Sent]], *, now: dt.datetime) -> None:
    """What the gateways said of the messages they took, written for many at once (the
    rules of `receipt_record`, in four queries instead of five a message: the bench
    `sms` spent most of the app's time per message in those). Empties `taken`."""
    if not taken:
        return
    with transaction.atomic():
        # Locked, as `receipt_record` locks one: a delivery report may have moved a
        # message on since it was sent, and must not be undone.
        current = dict(
            Message.objects.select_for_update()
            .filter(pk__in=[m.pk for m, _sent in taken])
            .values_list("pk", "status")
        )
        receipts: list[Receipt] = []
        moved: dict[MessageStatus, list[Message]] = {}
        with_ref: list[Message] = []
        for message, sent in taken:
            message.status = current[message.pk]
            event = ReceiptEvent.DELIVERED if sent.delivered else ReceiptEvent.ACCEPTED
            receipts.append(Receipt(message=message, event=event, at=now, detail={}))
            if sent.provider_ref:
                message.provider_ref = sent.provider_ref
                with_ref.append(message)
            after = _EVENT_STATUS[event]
            if _moves(message.status, after):
                moved.setdefault(after, []).append(message)
        Receipt.objects.bulk_create(receipts)
        if with_ref:
            Message.objects.bulk_update(with_ref, ["provider_ref"])
        for after, messages in moved.items():
            stamp = _STAMP[after]
            Message.objects.filter(pk__in=[m.pk for m in messages]).update(
                status=after, **{stamp: now}
            )
            for message in messages:
                before, message.status = message.status, after
                setattr(message, stamp, now)
                _tell(message, before)
    taken.clear()


def outbox_dispatch(
    *,
    channel: str | None = None,
    limit: int = 500,
    now: dt.datetime | None = None,
    stop: Callable[[], bool] | None = None,
) -> Dispatched:
    """Send up to `limit` due messages (of `channel`, or every channel) once each,
    through one adapter per channel (one SMTP connection for all the e-mails). When
    `stop()` turns true, the message being sent is finished and the rest given back."""
    now = now or timezone.now()
    done = Dispatched()
    claimed = sorted(_claim(channel=channel, limit=limit, now=now), key=lambda m: m.channel)
    left = list(claimed)
    for name, messages in groupby(claimed, key=lambda m: m.channel):
        try:
            adapter = adapter_for(name)
        except PermanentFailure as exc:
            for message in messages:
                _dead(message, str(exc), now=now)
                done.dead += 1
                left.remove(message)
            continue
        taken: list[tuple[Message, Sent]] = []
        with adapter_batch(adapter):
            try:
                for message in messages:
                    if stop is not None and stop():
                        break
                    _send_one(adapter, message, now=now, done=done, taken=taken)
                    left.remove(message)
                    if len(taken) >= RECORD_EVERY:
                        _record_taken(taken, now=now)
            finally:
                _record_taken(taken, now=now)
        if stop is not None and stop():
            break
    if left:
        _release(left)
        done.released = len(left)
    return done


def receipt_record(
    *,
    message: Message,
    event: str,
    at: dt.datetime | None = None,
    detail: dict[str, Any] | None = None,
    locked: bool = False,
) -> Message:
    """Record what became of `message` and move its status forward if the event says
    more than it knew; a message already final for good (dead, opted out) keeps its
    status. Returns the message. `locked`: the caller holds the message's row lock in
    its transaction and read its status under it (a delivery report), so it is not read
    again."""
    at = at or timezone.now()
    with transaction.atomic():
        if not locked:
            # The status as it stands, locked: a delivery report and the worker's
            # "accepted" may arrive at once, and the later writer must see what the
            # first wrote.
            current = (
                Message.objects.select_for_update()
                .filter(pk=message.pk)
                .values_list("status", flat=True)
            )
            message.status = current.get()
        Receipt.objects.create(message=message, event=event, at=at, detail=detail or {})
        after = _EVENT_STATUS.get(event)  # type: ignore[call-overload]
        if after is None or not _moves(message.status, after):
            return message
        stamp = _STAMP.get(after)
        fields = []
        if stamp:
            setattr(message, stamp, at)
            fields.append(stamp)
        _move(message, after, fields=fields)
    return message


def message_retry(*, actor: Actor, message_id: int, now: dt.datetime | None = None) -> Message:
    """An officer sends a dead letter again: queued anew with its attempts counted from
    zero (quiet hours still apply), audited. A message outside the officer's scope, or
    not dead, is refused as missing."""
    now = now or timezone.now()
    with transaction.atomic():
        message = dead_letter_get_for_user(user=actor, pk=message_id, lock=True)
        before = {"status": message.status, "attempts": message.attempts}
        message.attempts = 0
        message.last_error = ""
        message.next_attempt_at = quiet_until(
            channel=message.channel, priority=message.priority, at=now
        )
        _move(
            message,
            MessageStatus.QUEUED,
            fields=["attempts", "last_error", "next_attempt_at"],
        )
        Receipt.objects.create(
            message=message, event=ReceiptEvent.RETRY, at=now, detail={"by": actor.pk}
        )
        audit_record(
            actor=actor,
            instance=message,
            action=AuditEntry.Action.UPDATE,
            before=before,
            after={"status": message.status, "attempts": message.attempts},
        )
    return message


def message_is_final(message: Message) -> bool:
    return message.status in FINAL_STATUSES
