"""Writes to households: create, update and status. Each write is checked against the
actor's scope, validated whole before anything is saved, audited, and published as
`HouseholdsChanged` inside the transaction."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.core.actors import Actor
from langso.core.db import for_update
from langso.core.errors import AccessDenied, DomainError, FieldsInvalid
from langso.core.events import publish
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.places.models import AdminUnit, Level

from .. import address_codes
from ..duplicates import likely_duplicates_flag
from ..events import HouseholdsChanged
from ..models import (
    COUNT_FIELDS,
    EVENT_FIELDS,
    FIELD_GROUPS,
    AddressCodeKind,
    Household,
    HouseholdStatus,
    Source,
)
from ..validation import choice_errors, count_errors, point_in_vietnam

# Free-text fields and their longest value (the model's max_length).
TEXT_FIELDS: dict[str, int] = {
    "house_number": 50,
    "street": 200,
    "head_name": 150,
    "head_phone": 20,
}
CHOICE_FIELDS = ("broadband", "mobile_coverage")
BOOLEAN_FIELDS = ("has_tv", "has_radio")
# What a caller may give in `values`: `location` is a Point (or None to clear it);
# `address_code` a national code; `village` (update only) the village to move to.
VALUE_FIELDS = frozenset(
    {
        "address_code",
        *TEXT_FIELDS,
        *COUNT_FIELDS,
        *CHOICE_FIELDS,
        *BOOLEAN_FIELDS,
        "location",
    }
)
UPDATE_FIELDS = VALUE_FIELDS | {"village"}

# What the audit trail keeps of a household. The phone is masked before it gets there.
AUDITED_FIELDS = [
    "address_code",
    "address_code_kind",
    *TEXT_FIELDS,
    *COUNT_FIELDS,
    *CHOICE_FIELDS,
    *BOOLEAN_FIELDS,
    "status",
    "merged_into",
    "province",
    "commune",
    "village",
    "location",
]
_PHONE_SEPARATORS = re.compile(r"[\s.()-]")
_PHONE = re.compile(r"\+?\d{8,15}")
# Coordinates are compared to about 1 cm: a value sent back unchanged is no change.
_POINT_DIGITS = 7


class HouseholdInvalid(FieldsInvalid):
    """Bad values for one household: `errors` maps each field to its reason (in
    Vietnamese), so that a form can put each next to its field. Reasons never repeat the
    head's name or phone: messages may reach logs."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(errors, label=field_label)


def field_label(field: str) -> str:
    """The Vietnamese label of a household field, for messages."""
    if field == "village":
        return _("thôn")
    if field == "merged_into":
        return _("hộ được gộp vào")
    labels = {f.name: str(f.verbose_name) for f in Household._meta.concrete_fields}
    return labels.get(field, field)


def mask_phone(phone: str) -> str:
    """What the audit trail shows of a phone number: its last three digits."""
    return f"•••{phone[-3:]}" if phone else ""


def event_values(household: Household) -> dict[str, Any]:
    """The values `HouseholdsChanged` carries: what aggregates count and where."""
    return {field: getattr(household, field) for field in EVENT_FIELDS}


def _audit_snapshot(household: Household) -> dict[str, Any]:
    snapshot = model_snapshot(household, AUDITED_FIELDS)
    snapshot["head_phone"] = mask_phone(household.head_phone)
    return snapshot


def _audit_pair(
    before: dict[str, Any], after: dict[str, Any], *, phone_changed: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two different numbers can share their last digits: the trail must still show that
    the phone changed, without showing either number."""
    if phone_changed and before.get("head_phone") == after.get("head_phone"):
        after = after | {"head_phone": f"{after['head_phone']} ({_('số mới')})"}
    return before, after


def _publish(household: Household, before: dict[str, Any] | None, source: str) -> None:
    publish(
        HouseholdsChanged(changes=((household.pk, before, event_values(household)),), source=source)
    )


# ---------------------------------------------------------------------------------------
# Access and placement


def _require_manage(actor: Actor, unit: AdminUnit, source: str = Source.OFFICER) -> None:
    """Officers and village heads keep the lists; what a survey brings, its collector
    (a digital team member, say) may write in the villages where they collect."""
    if not actor.is_authenticated:
        raise AccessDenied(_("Bạn cần đăng nhập để thay đổi sổ hộ gia đình."))
    permission = (
        Permission.COLLECT_SURVEYS if source == Source.SURVEY else Permission.MANAGE_REGISTRIES
    )
    if not actor.has_perm(permission, unit):
        raise AccessDenied(
            _("Bạn không có quyền quản lý hộ gia đình ở %(unit)s.") % {"unit": unit.name}
        )


def household_manage_check(*, actor: Actor, household: Household) -> None:
    """Raise AccessDenied unless `actor` may change `household`. Pages call it before
    showing a form; every service calls it again."""
    _require_manage(actor, household.unit)


def _province_id(commune: AdminUnit) -> int:
    if commune.province_id is None:
        raise DomainError(_("%(unit)s chưa thuộc tỉnh nào.") % {"unit": commune.name})
    return commune.province_id


def _placement(unit: AdminUnit) -> tuple[AdminUnit, AdminUnit | None]:
    """(commune, village) for a household placed on `unit`: a current village under a
    current commune, or a current commune that has no village list yet."""
    if unit.level == Level.VILLAGE:
        commune = unit.commune
        if unit.valid_to is None and commune is not None and commune.valid_to is None:
            return commune, unit
        raise HouseholdInvalid(
            {"village": _("%(unit)s không còn hiệu lực; chọn thôn hiện hành.") % {"unit": unit}}
        )
    if unit.level == Level.COMMUNE and unit.valid_to is None:
        return unit, None
    raise HouseholdInvalid(
        {"village": _("“%(code)s” không phải thôn hoặc xã hiện hành.") % {"code": unit.code}}
    )


# ---------------------------------------------------------------------------------------
# Values


def _clean_values(
    values: Mapping[str, Any], *, allowed: frozenset[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Each given value in its stored form, and the reasons for those that cannot be."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, value in values.items():
        if field not in allowed:
            errors[field] = _("trường này không sửa được ở đây")
        elif field in TEXT_FIELDS:
            text = "" if value is None else value
            if not isinstance(text, str):
                errors[field] = _("phải là chữ")
                continue
            text = " ".join(text.split())
            if field == "head_phone" and text:
                text = _PHONE_SEPARATORS.sub("", text)
                if not _PHONE.fullmatch(text):
                    errors[field] = _("số điện thoại không hợp lệ (8 đến 15 chữ số)")
                    continue
            if len(text) > TEXT_FIELDS[field]:
                errors[field] = _("dài quá %(max)s ký tự") % {"max": TEXT_FIELDS[field]}
                continue
            clean[field] = text
        elif field in CHOICE_FIELDS:
            clean[field] = "" if value is None else value
        elif field in BOOLEAN_FIELDS:
            if value is not None and not isinstance(value, bool):
                errors[field] = _("phải là có, không hoặc để trống")
                continue
            clean[field] = value
        elif field == "location":
            point, reason = _clean_point(value)
            if reason:
                errors[field] = reason
            else:
                clean[field] = point
        elif field == "address_code":
            if value is not None and not isinstance(value, str):
                errors[field] = _("phải là chữ")
                continue
            clean[field] = address_codes.normalize_code(value or "")
        else:
            clean[field] = value
    errors |= {k: v for k, v in count_errors(clean).items() if k in clean}
    errors |= choice_errors(clean)
    return clean, errors


def _clean_point(value: Any) -> tuple[Point | None, str]:
    if value is None:
        return None, ""
    if not isinstance(value, Point):
        return None, _("phải là một điểm (kinh độ, vĩ độ)")
    point = value.clone()
    if point.srid is None:
        point.srid = 4326
    elif point.srid != 4326:
        point.transform(4326)
    if not (math.isfinite(point.x) and math.isfinite(point.y)):
        return None, _("toạ độ không hợp lệ")
    if not point_in_vietnam(point):
        return None, _("vĩ độ %(lat)s, kinh độ %(lon)s nằm ngoài lãnh thổ Việt Nam") % {
            "lat": round(point.y, 6),
            "lon": round(point.x, 6),
        }
    return point, ""


def _point_outside_commune(point: Point | None, commune: AdminUnit) -> str:
    """Where the commune's boundary is loaded, the point must lie in it (or on it)."""
    if point is None or commune.boundary is None or commune.boundary.covers(point):
        return ""
    return _("vị trí nằm ngoài ranh giới %(commune)s") % {"commune": commune.name}


def _national_code_error(code: str, *, exclude_pk: int | None = None) -> str:
    """A national digital-address code as typed on the plate: well formed and not given
    to another household. Codes of Làng Số's own form are handed out, never typed in, so
    that a typed one can never collide with a number the sequence gives later."""
    if not address_codes.ANY_CODE_PATTERN.match(code):
        return _("mã địa chỉ chỉ gồm chữ in hoa, chữ số và dấu gạch ngang, 3 đến 32 ký tự")
    if address_codes.GENERATED_PATTERN.match(code):
        return _("mã có dạng mã do Làng Số cấp; để trống để hệ thống tự cấp mã")
    taken = Household.objects.filter(address_code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        return _("mã địa chỉ “%(code)s” đã thuộc một hộ khác") % {"code": code}
    return ""


def _same(field: str, old: Any, new: Any) -> bool:
    if field == "location":
        if old is None or new is None:
            return old is new
        return bool(
            round(old.x, _POINT_DIGITS) == round(new.x, _POINT_DIGITS)
            and round(old.y, _POINT_DIGITS) == round(new.y, _POINT_DIGITS)
        )
    return bool(old == new)


def _save(household: Household, **kwargs: Any) -> None:
    """Save in a savepoint: another officer may take the same national code in between.
    An edit never writes `last_visited_on`: surveys keeps it, and the instance being
    edited may have been read before a visit was logged."""
    if household.pk is not None and "update_fields" not in kwargs:
        kwargs["update_fields"] = [
            f.name
            for f in Household._meta.concrete_fields
            if not f.primary_key and f.name != "last_visited_on"
        ]
    try:
        with transaction.atomic():
            household.save(**kwargs)
    except IntegrityError as exc:
        if (
            Household.objects.filter(address_code=household.address_code)
            .exclude(pk=household.pk)
            .exists()
        ):
            raise HouseholdInvalid(
                {
                    "address_code": _("mã địa chỉ “%(code)s” vừa được cấp cho hộ khác")
                    % {"code": household.address_code}
                }
            ) from exc
        raise


def _code_kind(national: str, source: str) -> str:
    """A household a survey found in the field gets a provisional code: an officer
    confirms it, or replaces it with the national code, later."""
    if national:
        return AddressCodeKind.NATIONAL
    return AddressCodeKind.PROVISIONAL if source == Source.SURVEY else AddressCodeKind.GENERATED


# ---------------------------------------------------------------------------------------
# Services


@transaction.atomic
def household_create(
    *,
    actor: Actor,
    village: AdminUnit | None = None,
    commune: AdminUnit | None = None,
    values: Mapping[str, Any],
    source: str = Source.OFFICER,
) -> Household:
    """Add a household to a current village (or to a current commune that has no village
    list yet). The national address code is used when `values` gives one; otherwise the
    commune's next generated code. Nothing is written unless every value is good."""
    unit = village or commune
    if unit is None or (village is not None and commune is not None):
        raise ValueError("household_create takes a village or a commune, not both")
    place_commune, place_village = _placement(unit)
    _require_manage(actor, unit, source)
    clean, errors = _clean_values(values, allowed=VALUE_FIELDS)
    national = clean.pop("address_code", "")
    if national and (reason := _national_code_error(national)):
        errors["address_code"] = reason
    if "location" not in errors and (
        reason := _point_outside_commune(clean.get("location"), place_commune)
    ):
        errors["location"] = reason
    if errors:
        raise HouseholdInvalid(errors)

    household = Household(
        province_id=_province_id(place_commune),
        commune=place_commune,
        village=place_village,
        address_code=national or address_codes.allocate(commune=place_commune)[0],
        address_code_kind=_code_kind(national, source),
        **clean,
    )
    household.set_name_keys()
    now = timezone.now()
    for group, fields in FIELD_GROUPS.items():
        # The code and the place are always known; other groups only once given.
        if group in ("identity", "location") or any(
            clean.get(field) not in (None, "") for field in fields
        ):
            setattr(household, f"{group}_updated_at", now)
            setattr(household, f"{group}_source", source)
    _save(household)
    audit_record(
        actor=actor,
        instance=household,
        action=AuditEntry.Action.CREATE,
        # What was given: a field left empty on creation is no change.
        after={k: v for k, v in _audit_snapshot(household).items() if v not in (None, "")},
    )
    _publish(household, None, source)
    likely_duplicates_flag(household_ids=[household.pk])
    return household


def _locked(household: Household) -> Household:
    """The household as stored now, locked where the database locks rows, so that two
    officers' edits cannot overwrite each other's fields unseen."""
    # With its units, for the access check, but not their boundaries: a commune's is
    # read only when a location is checked against it.
    rows = Household.objects.select_related("village", "commune").defer(
        "village__boundary", "commune__boundary"
    )
    return for_update(rows).get(pk=household.pk)


@transaction.atomic
def household_update(
    *,
    actor: Actor,
    household: Household,
    values: Mapping[str, Any],
    source: str = Source.OFFICER,
) -> Household:
    """Change the given fields only. A field group's freshness and source move only when
    one of its values actually changed. `village` moves the household to another current
    village the actor manages (its commune and province follow); the address code stays,
    unless `address_code` gives the national code that has become known."""
    household = _locked(household)
    _require_manage(actor, household.unit, source)
    clean, errors = _clean_values(values, allowed=UPDATE_FIELDS)

    commune = household.commune
    target = clean.pop("village", None)
    if "village" in values:
        if not isinstance(target, AdminUnit) or target.level != Level.VILLAGE:
            errors["village"] = _("chọn một thôn hiện hành")
        else:
            commune, _village = _placement(target)
            _require_manage(actor, target, source)
            clean["village"] = target

    if "address_code" in clean:
        code = clean.pop("address_code")
        if code and code != household.address_code:
            if reason := _national_code_error(code, exclude_pk=household.pk):
                errors["address_code"] = reason
            else:
                clean["address_code"] = code
                clean["address_code_kind"] = AddressCodeKind.NATIONAL

    # Counts are checked together with the stored ones they are compared to.
    merged = {field: getattr(household, field) for field in COUNT_FIELDS} | {
        k: v for k, v in clean.items() if k in COUNT_FIELDS
    }
    if not any(field in errors for field in COUNT_FIELDS):
        errors |= count_errors(merged)
    location = clean.get("location", household.location)
    if (
        "location" not in errors
        and ("location" in clean or "village" in clean)
        and (reason := _point_outside_commune(location, commune))
    ):
        errors["location"] = reason
    if errors:
        raise HouseholdInvalid(errors)

    before_audit = _audit_snapshot(household)
    before_event = event_values(household)
    old_phone = household.head_phone
    changed_groups: set[str] = set()
    for group, fields in FIELD_GROUPS.items():
        for field in fields:
            if field not in clean:
                continue
            old = household.village if field == "village" else getattr(household, field)
            if not _same(field, old, clean[field]):
                changed_groups.add(group)
    if not changed_groups:
        return household

    for field, value in clean.items():
        setattr(household, field, value)
    if "village" in clean:
        household.commune = commune
        household.province_id = _province_id(commune)
    household.set_name_keys()
    now = timezone.now()
    for group in changed_groups:
        setattr(household, f"{group}_updated_at", now)
        setattr(household, f"{group}_source", source)
    _save(household)
    before, after = _audit_pair(
        before_audit,
        _audit_snapshot(household),
        phone_changed=old_phone != household.head_phone,
    )
    audit_record(
        actor=actor,
        instance=household,
        action=AuditEntry.Action.UPDATE,
        before=before,
        after=after,
    )
    _publish(household, before_event, source)
    # Likely pairs are found by name, house number, place and status: a survey that
    # changes only counts or connectivity cannot make or end one.
    if changed_groups & {"identity", "location"}:
        likely_duplicates_flag(household_ids=[household.pk])
    return household


@transaction.atomic
def household_set_status(
    *,
    actor: Actor,
    household: Household,
    status: str,
    merged_into: Household | None = None,
    source: str = Source.OFFICER,
) -> Household:
    """Mark a household active, moved away, or merged into another active household (the
    one it duplicated). Households are never deleted: counts, history and codes stay."""
    household = _locked(household)
    _require_manage(actor, household.unit)
    errors = choice_errors({"status": status})
    if status == HouseholdStatus.MERGED:
        if merged_into is None:
            errors["merged_into"] = _("chọn hộ được gộp vào")
        elif merged_into.pk == household.pk:
            errors["merged_into"] = _("không gộp một hộ vào chính nó")
        # As stored now, not as the caller last read it.
        elif (merged_into := _locked(merged_into)).status != HouseholdStatus.ACTIVE:
            errors["merged_into"] = _("hộ %(code)s không còn ở đây nên không gộp vào được") % {
                "code": merged_into.address_code
            }
        else:
            _require_manage(actor, merged_into.unit)
    else:
        merged_into = None
    if errors:
        raise HouseholdInvalid(errors)
    if household.status == status and household.merged_into_id == (
        merged_into.pk if merged_into else None
    ):
        return household

    before_audit = _audit_snapshot(household)
    before_event = event_values(household)
    household.status = status
    household.merged_into = merged_into
    household.save(update_fields=["status", "merged_into", "updated_at"])
    audit_record(
        actor=actor,
        instance=household,
        action=AuditEntry.Action.UPDATE,
        before=before_audit,
        after=_audit_snapshot(household),
    )
    _publish(household, before_event, source)
    # A household that left is nobody's duplicate any more (and may be again on return).
    likely_duplicates_flag(household_ids=[household.pk])
    return household


def household_last_visit_set(*, household_id: int, visited_on: dt.date | None) -> None:
    """Keep the day of a household's newest logged visit (None: no visit left). The
    surveys app, which owns the visits, calls it whenever one is logged or taken back;
    it is derived data, so neither the audit trail nor the entity version moves."""
    Household.objects.filter(pk=household_id).update(last_visited_on=visited_on)
