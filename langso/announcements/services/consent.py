"""Households' contacts and consent, as announcements need them: the head's phone the
registry keeps becomes the household's SMS contact, and an officer records (or takes
back) a household's consent to be told the commune's announcements."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.db import statistics_refresh
from langso.core.errors import AccessDenied, DomainError, FieldsInvalid
from langso.messaging.models import (
    Channel,
    ConsentSource,
    Contact,
    Purpose,
    WithdrawnVia,
)
from langso.messaging.phones import vn_mobile_normalise
from langso.messaging.services.contacts import consent_withdraw, contact_upsert
from langso.places.models import AdminUnit
from langso.registry.models import Household

from ..selectors.announcements import may_send, village_consenting, village_households
from ..selectors.audience import HOLDER_KIND, registry_phone_contacts

SYNC_BATCH = 10_000
# Contacts written at once past which the planner counts the table again.
STATISTICS_AFTER = 10_000


def household_contacts_sync(*, households: QuerySet[Household]) -> tuple[int, int]:
    """Give each of `households` whose head phone is not yet an SMS contact one, where
    the phone is a Vietnamese mobile. Returns (contacts written, phones refused).

    In bulk rather than through `contact_upsert` one by one: a province's first
    announcement meets a million phones, and the only consent it gives is none (a
    household consents through `household_consent_record`). The phones are normalised
    by the same `vn_mobile_normalise`."""
    # In keyset chunks of the households that have no SMS contact yet (an anti-join on
    # the contacts' holder index), so that a province's second announcement reads none
    # of the phones its first one synced: re-reading them all cost 20 s of a
    # million-household send (`bench announcements`). The plan must not hang on the
    # planner's statistics, which lag behind bulk changes: the empty phones are left
    # out here rather than in SQL (statistics taken before the phones were filled made
    # PostgreSQL expect one row and compare every household with every contact, for
    # minutes), and the contacts are read from the chunk's first id on, in the order
    # of their index, however many the statistics believe there are.
    written = refused = 0
    last = 0
    while chunk := list(
        households.filter(pk__gt=last)
        .exclude(
            Exists(registry_phone_contacts().filter(holder_id=OuterRef("pk"), holder_id__gt=last))
        )
        .order_by("pk")
        .values_list("pk", "head_phone", "village_id")[:SYNC_BATCH]
    ):
        last = chunk[-1][0]
        batch: list[Contact] = []
        for pk, phone, village_id in chunk:
            if not phone:
                continue
            try:
                address = vn_mobile_normalise(phone)
            except DomainError:
                refused += 1
                continue
            batch.append(
                Contact(
                    channel=Channel.SMS,
                    address=address,
                    holder_kind=HOLDER_KIND,
                    holder_id=pk,
                    unit_id=village_id,
                )
            )
        written += len(Contact.objects.bulk_create(batch, ignore_conflicts=True))
    if written >= STATISTICS_AFTER:
        # The contacts' table grew by many rows: the sends that follow plan on it.
        statistics_refresh(Contact)
    return written, refused


def _no_phone(household: Household) -> str:
    return _("Hộ %(code)s chưa có số điện thoại chủ hộ.") % {"code": household.address_code}


def household_consent_record(
    *, actor: Actor, household: Household, consents: bool, purposes: tuple[str, ...] = ()
) -> int:
    """Record that `household` agrees (`consents`) to be told announcements and
    warnings on its head's phone, as the officer heard it — or that it no longer does.
    Returns how many consents were given or withdrawn. A phone that is not a Vietnamese
    mobile is refused with the reason."""
    village = household.village
    if village is None or not may_send(user=actor, unit=village):
        raise AccessDenied(_("Bạn không được ghi nhận sự đồng ý của hộ này."))
    purposes = purposes or (Purpose.ANNOUNCEMENTS, Purpose.WARNINGS)
    if not household.head_phone:
        raise DomainError(_no_phone(household))
    with transaction.atomic():
        if consents:
            contact = contact_upsert(
                channel=Channel.SMS,
                address=household.head_phone,
                holder_kind=HOLDER_KIND,
                holder_id=household.pk,
                unit=village,
                purposes=purposes,
                source=ConsentSource.OFFICER,
                recorded_by=actor,
            )
            return contact.consents.filter(withdrawn_at__isnull=True).count()
        withdrawn = 0
        for contact in Contact.objects.filter(
            holder_kind=HOLDER_KIND, holder_id=household.pk, channel=Channel.SMS
        ):
            for purpose in purposes:
                withdrawn += consent_withdraw(
                    contact=contact, purpose=purpose, via=WithdrawnVia.OFFICER
                )
        return withdrawn


def village_consents_set(*, actor: Actor, village: AdminUnit, consenting: set[int]) -> int:
    """Make the households of `village` ticked in `consenting` consent, and those not
    ticked that did, no longer; every ticked phone is checked first, so that a bad one
    (named with its household) leaves nothing half-recorded. Returns the changes."""
    if not may_send(user=actor, unit=village):
        raise AccessDenied(_("Bạn không được ghi nhận sự đồng ý của hộ trong thôn này."))
    households = village_households(village=village)
    before = village_consenting(village=village)
    errors = []
    for household in households:
        if household.pk in consenting and household.pk not in before:
            if not household.head_phone:
                errors.append(
                    _("Hộ %(code)s chưa có số điện thoại chủ hộ.")
                    % {"code": household.address_code}
                )
                continue
            try:
                vn_mobile_normalise(household.head_phone)
            except DomainError as refused:
                errors.append(f"{household.address_code}: {refused.message}")
    if errors:
        raise FieldsInvalid({"consenting": " ".join(errors)})
    changed = 0
    with transaction.atomic():
        for household in households:
            ticked = household.pk in consenting
            if ticked != (household.pk in before):
                household_consent_record(actor=actor, household=household, consents=ticked)
                changed += 1
    return changed
