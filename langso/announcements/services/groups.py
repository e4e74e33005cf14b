"""Self-management groups (tổ tự quản) of a village, kept by the village's officers."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.errors import AccessDenied, FieldsInvalid
from langso.places.models import AdminUnit, Level
from langso.registry.address_codes import normalize_code
from langso.registry.models import Household, HouseholdStatus

from ..models import HouseholdGroup
from ..selectors.announcements import may_send


def _check(actor: Actor, village: AdminUnit) -> None:
    if village.level != Level.VILLAGE or not may_send(user=actor, unit=village):
        raise AccessDenied(_("Bạn không được quản lý tổ tự quản của thôn này."))


def household_group_create(*, actor: Actor, village: AdminUnit, name: str) -> HouseholdGroup:
    _check(actor, village)
    name = name.strip()
    if not name:
        raise FieldsInvalid({"name": _("Cần có tên tổ.")})
    try:
        with transaction.atomic():
            return HouseholdGroup.objects.create(village=village, name=name)
    except IntegrityError:
        raise FieldsInvalid({"name": _("Thôn đã có tổ tên “%(name)s”.") % {"name": name}}) from None


def household_group_add(
    *, actor: Actor, group: HouseholdGroup, address_codes: Sequence[str]
) -> int:
    """Add the village's households with these address codes to `group`; a code of no
    active household of the village is refused, named, and nothing is added. Returns
    how many were added."""
    _check(actor, group.village)
    codes = list(dict.fromkeys(normalize_code(c) for c in address_codes if c.strip()))
    if not codes:
        raise FieldsInvalid({"households": _("Chọn ít nhất một hộ.")})
    found = dict(
        Household.objects.filter(
            village=group.village, status=HouseholdStatus.ACTIVE, address_code__in=codes
        ).values_list("address_code", "pk")
    )
    missing = [code for code in codes if code not in found]
    if missing:
        raise FieldsInvalid(
            {
                "households": _("Không có hộ mã %(codes)s trong thôn %(village)s.")
                % {"codes": ", ".join(missing[:10]), "village": group.village.name}
            }
        )
    with transaction.atomic():
        before = group.households.count()
        group.households.add(*found.values())
        return group.households.count() - before


def household_group_remove(*, actor: Actor, group: HouseholdGroup, household_id: int) -> None:
    _check(actor, group.village)
    group.households.remove(household_id)
