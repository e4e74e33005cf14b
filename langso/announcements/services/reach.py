"""Reach, kept as counts. A household of a sent announcement is reached the first time
one of its messages is delivered or read, or when the village head (or a commune
officer) marks it reached in person; each first time adds one to its village's
`VillageReach.reached`, in the same transaction, so that reading the reach of an
announcement to a province sums a few thousand rows and never recounts a million.

Counting is by conditional UPDATE (`reached_at IS NULL`): a household reached on two
channels, or by a report arriving twice, matches it once, and a late failure after a
delivery changes nothing here (only `delivered` and `read` are read)."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.db.models import F, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.selectors import user_has_unit_permission
from langso.core.actors import Actor
from langso.core.errors import AccessDenied, DomainError
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.messaging.events import MessageStatusChanged
from langso.messaging.models import MessageStatus

from ..models import Recipient, VillageReach
from ..selectors.reach import MARK_PERMISSION

# The `source` of every message of an announcement (see `models`).
_SOURCE = re.compile(r"announcement:(\d+):household:(\d+)")
_REACHING: dict[str, str] = {MessageStatus.DELIVERED: "delivered", MessageStatus.READ: "read"}
IN_PERSON = "in_person"
_AUDITED = ["reached_at", "reached_by", "marked_by"]


class AlreadyReached(DomainError):
    """The household was reached already; nothing to mark."""


def _reach(*, announcement_id: int, household_id: int, how: str, at: dt.datetime) -> int:
    """Mark the recipient reached unless it was, and count it in its village: one
    UPDATE each, the second only when the first matched. Returns 1 if counted, else 0."""
    counted = Recipient.objects.filter(
        announcement_id=announcement_id, household_id=household_id, reached_at__isnull=True
    ).update(reached_at=at, reached_by=how)
    if not counted:
        return 0
    village = Recipient.objects.filter(
        announcement_id=announcement_id, household_id=household_id
    ).values("village_id")[:1]
    VillageReach.objects.filter(
        announcement_id=announcement_id, village_id=Subquery(village)
    ).update(reached=F("reached") + 1)
    return 1


def message_status_changed(event: MessageStatusChanged) -> None:
    """Subscribed to `MessageStatusChanged` (in the writer's transaction): a message of
    an announcement's household that became delivered or read reaches the household."""
    how = _REACHING.get(event.after)
    if how is None:
        return
    found = _SOURCE.fullmatch(event.source)
    if found is None:
        return
    _reach(
        announcement_id=int(found[1]),
        household_id=int(found[2]),
        how=how,
        at=timezone.now(),
    )


def recipient_mark_reached_in_person(*, actor: Actor, recipient: Recipient) -> Recipient:
    """The village head (or an officer keeping the village's lists) met the household
    and told it: it is reached, by `in_person`, counted once, audited. A household
    reached already is refused with the reason."""
    if not user_has_unit_permission(user=actor, permission=MARK_PERMISSION, unit=recipient.village):
        raise AccessDenied(_("Bạn không có quyền ghi nhận hộ trong thôn này."))
    with transaction.atomic():
        locked = Recipient.objects.select_for_update().get(pk=recipient.pk)
        if locked.reached_at is not None:
            raise AlreadyReached(
                _("Hộ này đã được tiếp cận lúc %(at)s.")
                % {"at": timezone.localtime(locked.reached_at).strftime("%H:%M %d/%m/%Y")}
            )
        before = model_snapshot(locked, _AUDITED)
        _reach(
            announcement_id=locked.announcement_id,
            household_id=locked.household_id,
            how=IN_PERSON,
            at=timezone.now(),
        )
        Recipient.objects.filter(pk=locked.pk).update(marked_by_id=actor.pk)
        locked.refresh_from_db()
        audit_record(
            actor=actor,
            instance=locked,
            action=AuditEntry.Action.UPDATE,
            before=before,
            after=model_snapshot(locked, _AUDITED),
        )
    return locked
