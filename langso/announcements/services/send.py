"""Sending an announcement: in one transaction, a `Recipient` per household of the
audience, a `VillageReach` per village (households, no channel; reached 0), and a
message per household on its best usable channel through the outbox, named as
`models` says so that a second send writes nothing. A schedule in the future waits
for `announcement_send_scheduled` (the task, or the worker's sweep of due ones).

Province scale: the audience is read in keyset chunks of `CHUNK` households (never a
million rows in Python at once), and each chunk's recipients and messages go through
the registry's bulk writer (`registry.bulk.insert_rows`: COPY on PostgreSQL, multi-row
INSERTs on SQLite). Measured (bench `announcements`): `QuerySet.bulk_create`, and so the
outbox's `messages_enqueue`, spend ~0.2 ms a row in Python building each statement —
400 s for a province's two million rows, against the 60 s a warning may take. The
messages are the rows `messages_enqueue` would write for the same `Outgoing`: queued,
due at once (warnings) or after quiet hours, each contact's consent already required
by `usable_contacts`, and the outbox's unique idempotency key still refusing a second
copy (the announcement's status lock makes one impossible anyway)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.db import for_update
from langso.core.errors import AccessDenied, DomainError, FieldsInvalid
from langso.messaging.models import Channel, Message, MessageStatus
from langso.messaging.services.outbox import Outgoing, quiet_until
from langso.places.models import AdminUnit
from langso.registry.bulk import insert_rows

from ..models import Announcement, AnnouncementStatus, Recipient, VillageReach
from ..selectors.announcements import may_send
from ..selectors.audience import (
    announcement_households,
    channels_best_first,
    purpose_of,
    usable_contacts,
)
from ..selectors.preview import sms_text, too_long
from .consent import household_contacts_sync

# Households read and written at a time: large batches, bounded memory.
CHUNK = 20_000


@dataclass(frozen=True)
class Sent:
    households: int
    messages: int
    no_channel: int


def message_source(announcement_id: int, household_id: int) -> str:
    return f"announcement:{announcement_id}:household:{household_id}"


def outgoing_for(
    announcement: Announcement,
    *,
    household_id: int,
    village_id: int,
    channel: str,
    contact_id: int,
    address: str,
) -> Outgoing:
    """The message of `announcement` to one household on one channel."""
    source = message_source(announcement.pk, household_id)
    return Outgoing(
        idempotency_key=f"{source}:{channel}",
        channel=channel,
        address=address,
        body=sms_text(announcement) if channel == Channel.SMS else announcement.body,
        source=source,
        purpose=purpose_of(announcement),
        unit_id=village_id,
        contact_id=contact_id,
        subject=announcement.title,
        priority=announcement.priority,
    )


def _message_row(outgoing: Outgoing, *, now: dt.datetime) -> dict[str, object]:
    """The outbox row of `outgoing`, as `messages_enqueue` writes a consented one."""
    return {
        "idempotency_key": outgoing.idempotency_key,
        "channel": outgoing.channel,
        "contact_id": outgoing.contact_id,
        "address": outgoing.address,
        "unit_id": outgoing.unit_id,
        "source": outgoing.source,
        "purpose": outgoing.purpose,
        "priority": outgoing.priority,
        "subject": outgoing.subject,
        "body": outgoing.body,
        "status": MessageStatus.QUEUED,
        "next_attempt_at": quiet_until(
            channel=outgoing.channel, priority=outgoing.priority, at=now
        ),
        "created_at": now,
    }


def _refuse_unsendable(announcement: Announcement, *, now: dt.datetime) -> None:
    """Refuse, before anything is written, what cannot be sent as it is."""
    if announcement.status == AnnouncementStatus.SENT or announcement.status == (
        AnnouncementStatus.SENDING
    ):
        at = announcement.sent_at or now
        raise DomainError(
            _("Thông báo này đã được gửi lúc %(at)s; mỗi thông báo chỉ gửi một lần.")
            % {"at": date_format(timezone.localtime(at), "d/m/Y H:i")}
        )
    if announcement.status == AnnouncementStatus.CANCELLED:
        raise DomainError(_("Thông báo này đã bị hủy, không gửi được."))
    if announcement.status == AnnouncementStatus.SCHEDULED:
        raise DomainError(_("Thông báo này đã được hẹn giờ gửi."))
    if announcement.scheduled_for is not None and announcement.scheduled_for <= now:
        raise FieldsInvalid(
            {
                "scheduled_for": _("Thời điểm hẹn gửi %(at)s đã qua: hãy sửa lại giờ gửi.")
                % {"at": date_format(timezone.localtime(announcement.scheduled_for), "d/m/Y H:i")}
            }
        )
    if reasons := too_long(announcement=announcement):
        raise DomainError(" ".join(reasons))
    if not announcement_households(announcement=announcement).exists():
        raise DomainError(
            _("Không có hộ nào đang ở trong danh sách nhận: hãy chọn lại người nhận.")
        )


def announcement_send(
    *, actor: Actor, announcement: Announcement, now: dt.datetime | None = None
) -> Announcement:
    """Send a draft now, or schedule it for its time. Refused, with nothing written: an
    empty audience, a schedule in the past, a text too long for a chosen channel, an
    announcement already sent, scheduled or cancelled."""
    now = now or timezone.now()
    if not may_send(user=actor, unit=announcement.unit):
        raise AccessDenied(_("Bạn không được gửi thông báo từ đơn vị này."))
    with transaction.atomic():
        locked = for_update(Announcement.objects.filter(pk=announcement.pk)).get()
        _refuse_unsendable(locked, now=now)
        locked.sent_by_id = actor.pk
        if locked.scheduled_for is not None:
            locked.status = AnnouncementStatus.SCHEDULED
            locked.save(update_fields=["status", "sent_by"])
            _schedule(locked)
            return locked
        _write(locked, now=now)
    return locked


def _schedule(announcement: Announcement) -> None:
    from ..tasks import announcement_send_scheduled_task, scheduling_defers

    if scheduling_defers():
        task = announcement_send_scheduled_task.using(run_after=announcement.scheduled_for)
        transaction.on_commit(lambda: task.enqueue(announcement_id=announcement.pk))


def announcement_send_scheduled(
    *, announcement_id: int, now: dt.datetime | None = None
) -> Announcement | None:
    """Send a scheduled announcement whose time has come; None if it is not due (or
    was cancelled, or went already)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            for_update(Announcement.objects.filter(pk=announcement_id))
            .select_related("unit")
            .first()
        )
        if (
            locked is None
            or locked.status != AnnouncementStatus.SCHEDULED
            or locked.scheduled_for is None
            or locked.scheduled_for > now
        ):
            return None
        _write(locked, now=now)
    return locked


def announcements_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every scheduled announcement that is due (the worker's sweep); returns how
    many went."""
    now = now or timezone.now()
    due = Announcement.objects.filter(
        status=AnnouncementStatus.SCHEDULED, scheduled_for__lte=now
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(due) if announcement_send_scheduled(announcement_id=pk, now=now))


def _write(announcement: Announcement, *, now: dt.datetime) -> Sent:
    """Recipients, messages and reach of `announcement`, in the caller's transaction."""
    households = announcement_households(announcement=announcement)
    if Channel.SMS in announcement.channels:
        household_contacts_sync(households=households)
    channels = channels_best_first(announcement.channels)
    # What every household's message on a channel shares, built once by the one
    # builder (`outgoing_for`): the per-row work is then the household's own columns.
    common = {
        channel: _message_row(
            outgoing_for(
                announcement,
                household_id=0,
                village_id=0,
                channel=channel,
                contact_id=0,
                address="",
            ),
            now=now,
        )
        for channel in channels
    }
    contacts = usable_contacts(announcement=announcement)
    per_village: Counter[int] = Counter()
    without: Counter[int] = Counter()
    written = 0
    last = 0
    while True:
        chunk = list(
            households.filter(pk__gt=last).order_by("pk").values_list("pk", "village_id")[:CHUNK]
        )
        if not chunk:
            break
        first, last = chunk[0][0], chunk[-1][0]
        found: dict[int, dict[str, tuple[int, str]]] = {}
        for pk, holder_id, channel, address in (
            contacts.filter(
                holder_id__in=households.filter(pk__gte=first, pk__lte=last).values("pk")
            )
            .order_by("pk")
            .values_list("pk", "holder_id", "channel", "address")
        ):
            found.setdefault(holder_id, {}).setdefault(channel, (pk, address))
        recipients: list[dict[str, object]] = []
        outgoing: list[dict[str, object]] = []
        for household_id, village_id in chunk:
            mine = found.get(household_id, {})
            best = next((c for c in channels if c in mine), "")
            per_village[village_id] += 1
            if not best:
                without[village_id] += 1
            recipients.append(
                {
                    "announcement_id": announcement.pk,
                    "household_id": household_id,
                    "village_id": village_id,
                    "channel": best,
                    # No channel: on the unreached list from the start.
                    "failed": not best,
                }
            )
            if best:
                contact_id, address = mine[best]
                source = message_source(announcement.pk, household_id)
                outgoing.append(
                    common[best]
                    | {
                        "idempotency_key": f"{source}:{best}",
                        "source": source,
                        "contact_id": contact_id,
                        "address": address,
                        "unit_id": village_id,
                    }
                )
        insert_rows(Recipient, recipients)
        written += insert_rows(Message, outgoing)
    _reach_write(announcement, per_village=per_village, without=without)
    total = sum(per_village.values())
    announcement.status = AnnouncementStatus.SENT
    announcement.sent_at = now
    announcement.audience_households = total
    announcement.save(update_fields=["status", "sent_at", "sent_by", "audience_households"])
    return Sent(households=total, messages=written, no_channel=sum(without.values()))


def _reach_write(
    announcement: Announcement, *, per_village: Counter[int], without: Counter[int]
) -> None:
    villages = AdminUnit.objects.filter(pk__in=list(per_village)).values_list(
        "pk", "province_id", "commune_id"
    )
    VillageReach.objects.bulk_create(
        [
            VillageReach(
                announcement=announcement,
                village_id=pk,
                province_id=province_id,
                commune_id=commune_id,
                households=per_village[pk],
                no_channel=without[pk],
            )
            for pk, province_id, commune_id in villages
        ],
        batch_size=5000,
    )
