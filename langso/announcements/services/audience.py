"""An audience as the compose form gives it, checked: units, groups and households
inside the announcement's unit, households named by their address codes."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from langso.core.errors import FieldsInvalid
from langso.places.models import AdminUnit
from langso.registry.address_codes import normalize_code
from langso.registry.models import Household

from ..models import HouseholdGroup
from ..selectors.audience import FILTERS, Audience


def audience_build(
    *,
    unit: AdminUnit,
    units: Sequence[AdminUnit] = (),
    groups: Sequence[HouseholdGroup] = (),
    filters: Sequence[str] = (),
    household_codes: Sequence[str] = (),
) -> Audience:
    """The audience of these parts; a part outside `unit`, an unknown filter or an
    address code no household of `unit` has is refused, each named."""
    errors: dict[str, str] = {}
    outside = [u.name for u in units if not unit.contains(u) or u.valid_to is not None]
    if outside:
        errors["units"] = _("Không thuộc %(unit)s: %(names)s.") % {
            "unit": unit.name,
            "names": ", ".join(outside),
        }
    if any(not unit.contains(group.village) for group in groups):
        errors["groups"] = _("Có tổ tự quản không thuộc %(unit)s.") % {"unit": unit.name}
    unknown_filters = [name for name in filters if name not in FILTERS]
    if unknown_filters:
        errors["filters"] = _("Điều kiện lọc không hợp lệ.")
    codes = list(dict.fromkeys(normalize_code(c) for c in household_codes if c.strip()))
    found = dict(
        Household.objects.filter(unit.subtree_q(), address_code__in=codes).values_list(
            "address_code", "pk"
        )
    )
    missing = [code for code in codes if code not in found]
    if missing:
        errors["households"] = _("Không có hộ mã %(codes)s trong %(unit)s.") % {
            "codes": ", ".join(missing[:10]),
            "unit": unit.name,
        }
    if errors:
        raise FieldsInvalid(errors)
    return Audience(
        units=tuple(u.pk for u in units),
        groups=tuple(g.pk for g in groups),
        filters=tuple(dict.fromkeys(filters)),
        households=tuple(found[code] for code in codes),
    )
