"""Reads of announcements, each within the reader's scope: the unit an announcement is
sent from must lie in it. A refusal does not say whether the announcement exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Q, QuerySet, When
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import unit_scope_q, user_has_unit_permission
from langso.core.actors import Actor
from langso.core.errors import NotFound
from langso.messaging.models import Channel, Contact, Purpose
from langso.places.models import AdminUnit, Level
from langso.registry.models import Household, HouseholdStatus

from ..models import Announcement, Attachment, HouseholdGroup
from .audience import FILTERS, HOLDER_KIND, Audience
from .reach import announcement_get_for_user, announcement_visible_q

# Who may compose and send: the officers who keep the unit's households (province and
# commune officers, village heads). Reading needs the scope only.
SEND_PERMISSION = Permission.MANAGE_REGISTRIES


def may_send(*, user: Actor, unit: AdminUnit) -> bool:
    return unit.valid_to is None and user_has_unit_permission(
        user=user, permission=SEND_PERMISSION, unit=unit
    )


def announcement_list_for_user(
    *, user: Actor, unit: AdminUnit | None = None, limit: int = 100
) -> list[Announcement]:
    """The newest announcements within the reader's scope (`announcement_visible_q`),
    sent from `unit`'s subtree when given."""
    announcements = Announcement.objects.filter(announcement_visible_q(user))
    if unit is not None:
        announcements = announcements.filter(unit.subtree_q("unit__"))
    return list(announcements.select_related("unit").order_by("-created_at", "-pk")[:limit])


def attachment_get_for_user(*, user: Actor, announcement_id: int, pk: int) -> Attachment:
    announcement = announcement_get_for_user(user=user, pk=announcement_id)
    attachment = announcement.attachments.filter(pk=pk).first()
    if attachment is None:
        raise NotFound(_("Không tìm thấy tệp đính kèm này."))
    return attachment


def audience_units(*, unit: AdminUnit) -> QuerySet[AdminUnit]:
    """The units an audience may name inside `unit`: itself and the current units one
    level down (a province's communes, a commune's villages)."""
    below: dict[str, str] = {Level.PROVINCE: Level.COMMUNE, Level.COMMUNE: Level.VILLAGE}

    return AdminUnit.objects.filter(
        Q(pk=unit.pk) | Q(unit.subtree_q(), level=below.get(unit.level), valid_to__isnull=True)
    ).order_by(Case(When(pk=unit.pk, then=0), default=1), "name")


def group_get_for_user(*, user: Actor, pk: int) -> HouseholdGroup:
    group = (
        HouseholdGroup.objects.filter(
            unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="village__"),
            pk=pk,
        )
        .select_related("village", "village__commune")
        .first()
    )
    if group is None:
        raise NotFound(_("Không tìm thấy tổ tự quản này."))
    return group


def group_members(*, group: HouseholdGroup, limit: int = 500) -> list[Household]:
    return list(group.households.order_by("address_code")[:limit])


def village_households(*, village: AdminUnit, limit: int = 500) -> list[Household]:
    """The village's active households by address code (a village is at most a few
    hundred), for the group and consent pages."""
    return list(
        Household.objects.filter(village=village, status=HouseholdStatus.ACTIVE).order_by(
            "address_code"
        )[:limit]
    )


def village_consenting(*, village: AdminUnit) -> set[int]:
    """The village's households whose SMS contact stands consenting to announcements."""
    return set(
        Contact.objects.filter(
            holder_kind=HOLDER_KIND,
            channel=Channel.SMS,
            unit=village,
            consents__purpose=Purpose.ANNOUNCEMENTS,
            consents__withdrawn_at__isnull=True,
        ).values_list("holder_id", flat=True)
    )


def group_candidates(*, group: HouseholdGroup) -> list[tuple[str, str]]:
    """The village's households not yet in `group`: (address code, label)."""
    inside = set(group.households.values_list("pk", flat=True))
    return [
        (h.address_code, f"{h.address_code} {h.head_name}".strip())
        for h in village_households(village=group.village)
        if h.pk not in inside
    ]


def compose_initial(*, announcement: Announcement) -> dict[str, Any]:
    """The compose form's values of a draft."""
    audience = Audience.of(announcement.audience)
    codes = Household.objects.filter(pk__in=audience.households).values_list(
        "address_code", flat=True
    )
    return {
        "title": announcement.title,
        "body": announcement.body,
        "category": announcement.category,
        "channels": announcement.channels,
        "scheduled_for": announcement.scheduled_for,
        "sms_without_diacritics": bool(announcement.sms_text),
        "units": list(audience.units),
        "groups": list(audience.groups),
        "filters": list(audience.filters),
        "households": "\n".join(sorted(codes)),
    }


@dataclass(frozen=True)
class AudienceDescribed:
    units: list[str]
    groups: list[str]
    filters: list[str]
    households: int


def audience_described(*, announcement: Announcement) -> AudienceDescribed:
    """The audience in words, for the detail page."""
    audience = Audience.of(announcement.audience)
    return AudienceDescribed(
        units=list(
            AdminUnit.objects.filter(pk__in=audience.units)
            .order_by("name")
            .values_list("name", flat=True)
        ),
        groups=[
            f"{g.name} ({g.village.name})"
            for g in HouseholdGroup.objects.filter(pk__in=audience.groups).select_related("village")
        ],
        filters=[str(FILTERS[name]) for name in audience.filters],
        households=len(audience.households),
    )


def group_list_for_village(*, village: AdminUnit) -> QuerySet[HouseholdGroup]:
    return HouseholdGroup.objects.filter(village=village).order_by("name")


def villages_of(*, unit: AdminUnit | None) -> list[AdminUnit]:
    """A commune's current villages (their groups and consent pages); none otherwise."""
    if unit is None or unit.level != Level.COMMUNE:
        return []
    return list(
        AdminUnit.objects.current().filter(commune=unit, level=Level.VILLAGE).order_by("name")
    )
