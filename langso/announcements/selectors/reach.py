"""Reads of announcements' reach: the announcements within a reader's scope, the reach
of one per village, commune and the whole audience (sums of `VillageReach` rows, never
a recount of recipients), the unreached list of a village, the public village list
and feeds, and the reach indicator's figures.

Scope: an announcement is within a reader's scope when the unit that sent it is, or
when it reached a village that is (a village head sees the commune's announcements to
the village); the village rows a reader sees are those of the villages in scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import (
    is_nationwide,
    unit_get_for_user,
    unit_scope_q,
    user_has_unit_permission,
)
from langso.core.actors import Actor
from langso.core.errors import NotFound
from langso.core.events import ShareFigures
from langso.core.pagination import KeysetPage, keyset_page
from langso.messaging.models import Channel
from langso.places.models import AdminUnit, Level
from langso.places.selectors import unit_get

from ..models import Announcement, AnnouncementStatus, Recipient, VillageReach

# Who may mark a household reached in person: those who keep the village's lists
# (the village head, commune and province officers), not a digital team's member.
MARK_PERMISSION = Permission.MANAGE_REGISTRIES
# Announcements on a village's public page and in its feeds.
PUBLIC_LATEST = 20
# The column of `VillageReach` holding a row's ancestor at each level (no district:
# districts were abolished in 2025 and announcements are sent since).
_REACH_COLUMN: dict[str, str] = {
    Level.PROVINCE: "province_id",
    Level.COMMUNE: "commune_id",
    Level.VILLAGE: "village_id",
}


# A unit's shapes, which no reach read needs (a province's boundary is megabytes).
_UNIT_SHAPES = ("unit__boundary", "unit__centroid")


@dataclass(frozen=True)
class ReachCounts:
    """Households of an audience, how many were reached, and how many had no channel or
    saw every delivery fail."""

    households: int = 0
    reached: int = 0
    no_channel: int = 0
    failed: int = 0

    @property
    def share(self) -> Decimal | None:
        """Reached, in percent of the households (one decimal); None without any."""
        if not self.households:
            return None
        return (Decimal(100 * self.reached) / self.households).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class UnitReach:
    """A commune's or a village's reach, named (a thousand villages are read as plain
    values: building their model objects was most of the read's time)."""

    pk: int
    code: str
    name: str
    counts: ReachCounts


@dataclass(frozen=True)
class AnnouncementReach:
    """Reach of an announcement as the reader may see it: the total over the villages in
    their scope (`whole`: the whole audience), per commune and per village."""

    announcement: Announcement
    total: ReachCounts
    communes: list[UnitReach]
    villages: list[UnitReach]
    whole: bool


def announcement_visible_q(user: Actor) -> Q:
    """Announcements within `user`'s scope (see the module's docstring)."""
    if is_nationwide(user=user, permission=Permission.VIEW_SCOPED):
        return Q()
    villages = VillageReach.objects.filter(
        unit_scope_q(user=user, permission=Permission.VIEW_SCOPED)
    )
    return unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="unit__") | Q(
        pk__in=villages.values("announcement_id")
    )


def announcement_get_for_user(*, user: Actor, pk: int) -> Announcement:
    """An announcement within `user`'s scope; refused as missing otherwise."""
    found = (
        Announcement.objects.filter(announcement_visible_q(user), pk=pk)
        .select_related("unit", "created_by", "sent_by")
        .defer(*_UNIT_SHAPES)
        .first()
    )
    if found is None:
        raise NotFound(_("Không có thông báo này trong phạm vi của bạn."))
    return found


@dataclass(frozen=True)
class AnnouncementFilters:
    """The API's filters: a unit (the announcements it sent or that reached it, code of a
    unit in scope), a category, a status, created since a day."""

    unit: str = ""
    category: str = ""
    status: str = ""
    since: dt.date | None = None


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def announcement_page_for_user(
    *, user: Actor, filters: AnnouncementFilters, after: int | None = None, limit: int = 50
) -> KeysetPage[Announcement]:
    """Announcements within `user`'s scope, newest first, filtered, one page."""
    rows = (
        Announcement.objects.filter(announcement_visible_q(user))
        .select_related("unit")
        .defer(*_UNIT_SHAPES)
    )
    if filters.unit:
        unit = unit_get_for_user(user=user, code=filters.unit)
        sent_or_reached = unit.subtree_q("unit__")
        column = _REACH_COLUMN.get(unit.level)
        if column:
            reached = VillageReach.objects.filter(**{column: unit.pk}).values("announcement_id")
            sent_or_reached |= Q(pk__in=reached)
        rows = rows.filter(sent_or_reached)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.since:
        rows = rows.filter(created_at__gte=_local_midnight(filters.since))
    return keyset_page(rows, after=after, limit=limit)


def _counts(row: Mapping[str, Any]) -> ReachCounts:
    return ReachCounts(
        households=row["households"] or 0,
        reached=row["reached"] or 0,
        no_channel=row["no_channel"] or 0,
        failed=row["failed"] or 0,
    )


_SUMS = {
    "households": Sum("households"),
    "reached": Sum("reached"),
    "no_channel": Sum("no_channel"),
    "failed": Sum("failed"),
}


def announcement_reach(*, user: Actor, announcement: Announcement) -> AnnouncementReach:
    """The reach of `announcement` (one `announcement_get_for_user` gave) over the
    villages in `user`'s scope: three reads of the village rows (total, per commune,
    per village), whatever the audience's size."""
    rows = VillageReach.objects.filter(announcement=announcement)
    whole = user_has_unit_permission(
        user=user, permission=Permission.VIEW_SCOPED, unit=announcement.unit
    )
    if not whole:
        rows = rows.filter(unit_scope_q(user=user, permission=Permission.VIEW_SCOPED))
    total = _counts(rows.aggregate(**_SUMS))
    per_commune = {
        row["commune_id"]: _counts(row)
        for row in rows.values("commune_id").annotate(**_SUMS).order_by()
    }
    communes = AdminUnit.objects.filter(pk__in=list(per_commune)).order_by("name")
    villages = rows.order_by("commune_id", "village__name").values_list(
        "village_id", "village__code", "village__name", *_SUMS
    )
    return AnnouncementReach(
        announcement=announcement,
        total=total,
        communes=[
            UnitReach(pk=pk, code=code, name=name, counts=per_commune[pk])
            for pk, code, name in communes.values_list("pk", "code", "name")
        ],
        villages=[
            UnitReach(pk=pk, code=code, name=name, counts=ReachCounts(*figures))
            for pk, code, name, *figures in villages
        ],
        whole=whole,
    )


def reach_village_for_user(*, user: Actor, announcement: Announcement, code: str) -> AdminUnit:
    """A village of `announcement`'s audience within `user`'s scope, by code; refused
    as missing otherwise (the unreached list holds personal data)."""
    village = unit_get_for_user(user=user, code=code)
    if not VillageReach.objects.filter(announcement=announcement, village=village).exists():
        raise NotFound(_("Thông báo này không gửi tới thôn này."))
    return village


@dataclass(frozen=True)
class UnreachedHousehold:
    """A household on the unreached list, and why it is there, in words."""

    recipient: Recipient
    reason: str


def unreached_households(
    *, announcement: Announcement, village: AdminUnit
) -> list[UnreachedHousehold]:
    """The unreached list of `village` (one `reach_village_for_user` gave): households
    with no channel or whose every delivery failed, not reached since (nor in person),
    by street, house number and address code."""
    rows = (
        Recipient.objects.filter(announcement=announcement, village=village)
        .filter(Q(channel="") | Q(failed=True), reached_at__isnull=True)
        .select_related("household")
        .order_by("household__street", "household__house_number", "household__address_code")
    )
    return [UnreachedHousehold(recipient=row, reason=_reason(row)) for row in rows]


def _reason(recipient: Recipient) -> str:
    if not recipient.channel:
        return _("Không có kênh liên lạc")
    label = dict(Channel.choices).get(recipient.channel, _("kênh khác"))
    return _("Gửi không đến (%(channel)s)") % {"channel": label}


def recipient_get_for_user(*, user: Actor, announcement: Announcement, pk: int) -> Recipient:
    """A household of `announcement` that `user` may mark reached in person; refused as
    missing otherwise."""
    found = (
        Recipient.objects.filter(
            unit_scope_q(user=user, permission=MARK_PERMISSION, prefix="village__"),
            announcement=announcement,
            pk=pk,
        )
        .select_related("village", "household")
        .first()
    )
    if found is None:
        raise NotFound(_("Không có hộ này trong phạm vi của bạn."))
    return found


def may_mark_in_person(*, user: Actor, village: AdminUnit) -> bool:
    return user_has_unit_permission(user=user, permission=MARK_PERMISSION, unit=village)


def public_village_get(*, code: str) -> AdminUnit:
    """A current village, by code, for its public page; anything else is missing."""
    unit = unit_get(code=code)
    if unit.level != Level.VILLAGE or unit.valid_to is not None:
        raise NotFound(_("Không có thôn mã “%(code)s”.") % {"code": code})
    return unit


@dataclass(frozen=True)
class PublicAnnouncement:
    """What the public sees of an announcement on a village's page and feeds: never its
    audience, recipients or counts."""

    pk: int
    village_code: str
    title: str
    body: str
    category: str
    sent_at: dt.datetime


def village_announcements_public(
    *, village: AdminUnit, limit: int = PUBLIC_LATEST
) -> list[PublicAnnouncement]:
    """The sent announcements addressed to `village` or a unit above it (its commune, its
    province: the units of their audience), newest first. An announcement to a
    self-management group or a list of households only is not the village's to show."""
    addressed = {village.pk, village.commune_id, village.district_id, village.province_id} - {None}
    candidates = (
        Announcement.objects.filter(
            status=AnnouncementStatus.SENT, sent_at__isnull=False, reach__village=village
        )
        .only("pk", "title", "body", "category", "sent_at", "audience")
        .order_by("-sent_at", "-pk")
    )
    found: list[PublicAnnouncement] = []
    # The audience's units are JSON, which SQLite cannot search: the village's reach
    # rows give the candidates, the units decide; a few more are read than shown.
    for announcement in candidates[: limit * 3]:
        if announcement.sent_at is None or not addressed.intersection(
            announcement.audience.get("units") or []
        ):
            continue
        found.append(
            PublicAnnouncement(
                pk=announcement.pk,
                village_code=village.code,
                title=announcement.title,
                body=announcement.body,
                category=announcement.get_category_display(),
                sent_at=announcement.sent_at,
            )
        )
        if len(found) == limit:
            break
    return found


def households_reached_figures(
    level: str, unit_ids: Sequence[int], first_day: dt.date, last_day: dt.date
) -> ShareFigures:
    """At each unit: households reached of the households of the audiences of the
    announcements sent within the days (by the day of sending), summed from the
    villages' reach rows."""
    column = _REACH_COLUMN.get(level)
    if column is None:
        return {}
    rows = (
        VillageReach.objects.filter(
            **{f"{column}__in": list(unit_ids)},
            announcement__sent_at__gte=_local_midnight(first_day),
            announcement__sent_at__lt=_local_midnight(last_day + dt.timedelta(days=1)),
        )
        .values_list(column)
        .annotate(reached=Sum("reached"), households=Sum("households"))
        .order_by()
    )
    return {unit: (reached or 0, households or 0) for unit, reached, households in rows}
