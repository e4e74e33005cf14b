"""Who an announcement goes to: its audience resolved to a queryset of active households
(never a list: a province is a million rows), and each household's contacts on the
announcement's channels.

The audience (`Announcement.audience`) is a union of unit subtrees, self-management
groups and an explicit list of households, narrowed by registry facts, and always held
inside the announcement's own unit, whose scope was checked when it was composed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from langso.messaging.models import Channel, Consent, Contact, Priority, Purpose
from langso.places.models import AdminUnit
from langso.registry.models import AquacultureFarm, FishingVessel, Household, HouseholdStatus

from ..models import Announcement, HouseholdGroup

# Whose contacts these are, in messaging's words (`Contact.holder_kind`).
HOLDER_KIND = "household"

# Registry facts an audience may be narrowed by: each keeps the households that have it.
FILTERS: dict[str, Any] = {
    "vessel_owner": _("Hộ có tàu cá đã đăng ký"),
    "aquaculture": _("Hộ có cơ sở nuôi trồng thủy sản"),
    "no_smartphone": _("Hộ chưa có điện thoại thông minh"),
}
# Channels an announcement may use, best first: the order a household is tried in.
CHANNEL_ORDER: tuple[str, ...] = (Channel.ZALO, Channel.SMS, Channel.EMAIL, Channel.INAPP)


@dataclass(frozen=True)
class Audience:
    """An audience as the compose form writes it (ids), read back from the JSON."""

    units: tuple[int, ...] = ()
    groups: tuple[int, ...] = ()
    filters: tuple[str, ...] = ()
    households: tuple[int, ...] = ()

    @classmethod
    def of(cls, value: Mapping[str, Any]) -> Audience:
        return cls(
            units=tuple(int(v) for v in value.get("units", ())),
            groups=tuple(int(v) for v in value.get("groups", ())),
            filters=tuple(str(v) for v in value.get("filters", ()) if v in FILTERS),
            households=tuple(int(v) for v in value.get("households", ())),
        )

    def as_json(self) -> dict[str, list[Any]]:
        return {
            "units": list(self.units),
            "groups": list(self.groups),
            "filters": list(self.filters),
            "households": list(self.households),
        }

    @property
    def empty(self) -> bool:
        return not (self.units or self.groups or self.households)


def _filter_q(name: str) -> Q:
    if name == "vessel_owner":
        return Q(Exists(FishingVessel.objects.filter(owner=OuterRef("pk"))))
    if name == "aquaculture":
        return Q(Exists(AquacultureFarm.objects.filter(household=OuterRef("pk"))))
    return Q(adults_smartphone=0)


def audience_households(*, unit: AdminUnit, audience: Audience) -> QuerySet[Household]:
    """The active households of `audience` inside `unit`'s subtree, as one query."""
    if audience.empty:
        return Household.objects.none()
    units = {u.pk: u for u in AdminUnit.objects.filter(pk__in=audience.units)}
    who = Q(pk__in=[])
    for member in units.values():
        who |= member.subtree_q()
    if audience.groups:
        members = HouseholdGroup.households.through.objects.filter(
            householdgroup_id__in=audience.groups,
            householdgroup__village__in=AdminUnit.objects.filter(unit.subtree_q()),
        ).values("household_id")
        who |= Q(pk__in=members)
    if audience.households:
        who |= Q(pk__in=audience.households)
    households = Household.objects.filter(
        unit.subtree_q(), who, status=HouseholdStatus.ACTIVE, village__isnull=False
    )
    for name in audience.filters:
        households = households.filter(_filter_q(name))
    return households


def announcement_households(*, announcement: Announcement) -> QuerySet[Household]:
    return audience_households(unit=announcement.unit, audience=Audience.of(announcement.audience))


def purpose_of(announcement: Announcement) -> str:
    return Purpose.WARNINGS if announcement.priority == Priority.WARNING else Purpose.ANNOUNCEMENTS


def usable_contacts(*, announcement: Announcement) -> QuerySet[Contact]:
    """Households' contacts the announcement may write to: on its channels, and with a
    standing consent for its purpose — a warning goes to every contact, consent or not
    (it may save a life; the outbox sends warnings without asking, as the law allows)."""
    contacts = Contact.objects.filter(holder_kind=HOLDER_KIND, channel__in=announcement.channels)
    if announcement.priority == Priority.WARNING:
        return contacts
    return contacts.filter(
        Exists(
            Consent.objects.filter(
                contact=OuterRef("pk"),
                purpose=purpose_of(announcement),
                withdrawn_at__isnull=True,
            )
        )
    )


def channels_best_first(channels: Sequence[str]) -> list[str]:
    """`channels` in the platform's order of preference."""
    return [c for c in CHANNEL_ORDER if c in channels]


def best_contacts(
    *, announcement: Announcement, households: QuerySet[Household]
) -> QuerySet[Contact]:
    """Each of `households`' best usable contact: on the first of the announcement's
    channels, in the platform's order, that the household has; the oldest contact on
    it. One query, ranked by the database (a window), for a province."""
    channels = channels_best_first(announcement.channels)
    rank = Case(
        *[When(channel=channel, then=Value(n)) for n, channel in enumerate(channels)],
        output_field=IntegerField(),
    )
    return (
        usable_contacts(announcement=announcement)
        .filter(channel__in=channels, holder_id__in=households.values("pk"))
        .annotate(
            choice=Window(RowNumber(), partition_by=[F("holder_id")], order_by=[rank, F("pk")])
        )
        .filter(choice=1)
    )


def groups_within(*, unit: AdminUnit) -> QuerySet[HouseholdGroup]:
    """Self-management groups of villages in `unit`'s subtree, for the compose form."""
    return (
        HouseholdGroup.objects.filter(village__in=AdminUnit.objects.filter(unit.subtree_q()))
        .select_related("village")
        .order_by("village__name", "name")
    )


def registry_phone_contacts() -> QuerySet[Contact, int]:
    """Households that have an SMS contact (their head phone made one), as ids."""
    return Contact.objects.filter(holder_kind=HOLDER_KIND, channel=Channel.SMS).values_list(
        "holder_id", flat=True
    )
