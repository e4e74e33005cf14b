"""Checks on household values shared by single edits and bulk imports, so that a form,
the API and a 100,000-row file refuse the same things with the same words."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from .models import COUNT_FIELDS, FIELD_GROUPS, Broadband, HouseholdStatus, MobileCoverage

# Mainland, islands and the Hoàng Sa / Trường Sa archipelagos.
VIETNAM_BOUNDS = (102.1, 6.0, 117.9, 23.4)
MAX_MEMBERS = 200


def count_errors(values: dict[str, Any]) -> dict[str, str]:
    """Counts must be whole numbers ≥ 0; adults ≤ members; each readiness count ≤ adults."""
    errors: dict[str, str] = {}
    for field in COUNT_FIELDS:
        value = values.get(field)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            errors[field] = _("phải là số nguyên")
        elif value < 0:
            errors[field] = _("không được âm")
        elif value > MAX_MEMBERS:
            errors[field] = _("quá lớn (tối đa %(max)s)") % {"max": MAX_MEMBERS}
    if errors:
        return errors
    members, adults = values.get("members"), values.get("adults")
    if members is not None and adults is not None and adults > members:
        errors["adults"] = _(
            "số người từ 15 tuổi (%(adults)s) lớn hơn số nhân khẩu (%(members)s)"
        ) % {
            "adults": adults,
            "members": members,
        }
    for field in FIELD_GROUPS["readiness"]:
        value = values.get(field)
        if value is not None and adults is not None and value > adults:
            errors[field] = _("lớn hơn số người từ 15 tuổi (%(adults)s)") % {"adults": adults}
    return errors


# Read once: `Choices.values` builds a new list on every access, and an import asks for
# every row.
_CHOICE_VALUES: tuple[tuple[str, frozenset[str]], ...] = (
    ("broadband", frozenset(Broadband.values)),
    ("mobile_coverage", frozenset(MobileCoverage.values)),
    ("status", frozenset(HouseholdStatus.values)),
)


def choice_errors(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field, allowed in _CHOICE_VALUES:
        value = values.get(field)
        if value not in (None, "") and (not isinstance(value, str) or value not in allowed):
            errors[field] = _("giá trị “%(value)s” không hợp lệ") % {"value": value}
    return errors


def point_in_vietnam(point: Point) -> bool:
    west, south, east, north = VIETNAM_BOUNDS
    return west <= point.x <= east and south <= point.y <= north
