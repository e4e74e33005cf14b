"""One create and one update for the placed registries described in `specs`: cooperatives,
products, vessels, farms, tourism sites, wifi points and cameras.

Values arrive as Python values (forms and the API have parsed them); references to other
rows arrive as their keys ("37001-HTX0001", a household's address code) and are looked
up inside the actor's scope. Every field is checked by its model field (type, length,
choice, e-mail, URL), then by the registry's own rules; every bad value is reported at
once, by field, and nothing is written. Each change leaves one audit entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.core.actors import Actor
from langso.core.errors import AccessDenied, DomainError, FieldsInvalid
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.core.text import normalize_name
from langso.places.models import AdminUnit, Level

from ..models import Placed
from ..selectors.scope import within_scope
from ..sequences import code_stem, save_with_code
from ..specs import RegistrySpec, model_field, normalize_key
from ..validation import point_in_vietnam

P = TypeVar("P", bound=Placed)

_PLACE = ("unit", "location")
_UNIT_COLUMNS = ("province", "commune", "village")
_NO_BOUNDARIES = tuple(f"{column}__boundary" for column in _UNIT_COLUMNS)


class RegistryInvalid(FieldsInvalid):
    """Bad values for one registry row: `errors` maps each field to its reason, so that a
    form can put each next to its field and the API can name each."""

    def __init__(self, spec: RegistrySpec[Any], errors: Mapping[str, str]) -> None:
        super().__init__(errors, label=spec.label)


# ---------------------------------------------------------------------------------------
# Access


def registry_manage_check(*, actor: Actor, unit: AdminUnit) -> None:
    """Raise unless `actor` may keep the registries of `unit`."""
    if not actor.is_authenticated:
        raise AccessDenied(_("Bạn cần đăng nhập để thay đổi sổ đăng ký."))
    if not actor.has_perm(Permission.MANAGE_REGISTRIES, unit):
        raise AccessDenied(
            _("Bạn không có quyền quản lý sổ đăng ký của %(unit)s.") % {"unit": unit.name}
        )


def _require_manager_somewhere(actor: Actor) -> None:
    if not actor.is_authenticated:
        raise AccessDenied(_("Bạn cần đăng nhập để thay đổi sổ đăng ký."))
    if not actor.has_perm(Permission.MANAGE_REGISTRIES):
        raise AccessDenied(_("Bạn không có quyền quản lý sổ đăng ký."))


# ---------------------------------------------------------------------------------------
# Checks


def _check_names(spec: RegistrySpec[Any], values: Mapping[str, Any]) -> None:
    unknown = set(values) - {spec.key, *spec.fields, *_PLACE}
    if unknown:
        raise TypeError(f"{spec.name}: unknown fields {sorted(unknown)}")


def _clean_fields(
    spec: RegistrySpec[Any], values: Mapping[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    """The given plain fields, each checked and converted by its model field."""
    cleaned: dict[str, Any] = {}
    for name in spec.plain_fields:
        if name not in values:
            continue
        found = model_field(spec.model, name)
        value = values[name]
        if isinstance(found, models.CharField | models.TextField) and not found.null:
            value = "" if value is None else str(value).strip()
        try:
            cleaned[name] = found.clean(value, None)
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    return cleaned


def _resolve_refs(
    spec: RegistrySpec[Any], actor: Actor, values: Mapping[str, Any], errors: dict[str, str]
) -> dict[str, Placed | None]:
    """The rows the given references name, found only inside the actor's scope: a key
    outside it reads as unknown, so that nothing reveals what lies outside."""
    resolved: dict[str, Placed | None] = {}
    for name, ref in spec.refs.items():
        if name not in values:
            continue
        given = values[name]
        if given is None or not str(given).strip():
            resolved[name] = None
            continue
        key = normalize_key(str(given))
        row = (
            within_scope(ref.model._default_manager.all(), user=actor)
            .filter(**{ref.key: key})
            .select_related(*_UNIT_COLUMNS)
            .defer(*_NO_BOUNDARIES)
            .first()
        )
        if row is None:
            errors[name] = _("không có %(what)s mã “%(key)s” trong phạm vi của bạn") % {
                "what": ref.model._meta.verbose_name,
                "key": key,
            }
        resolved[name] = row
    return resolved


def _unit_error(unit: AdminUnit) -> str | None:
    if unit.level not in (Level.COMMUNE, Level.VILLAGE):
        return _("chọn một thôn hoặc một xã, không phải %(unit)s") % {"unit": unit.name}
    if unit.valid_to is not None:
        return _("%(unit)s chỉ có hiệu lực đến %(day)s; chọn đơn vị hiện hành") % {
            "unit": unit.name,
            "day": f"{unit.valid_to:%d/%m/%Y}",
        }
    return None


def _location_error(point: Point, unit: AdminUnit) -> str | None:
    """Inside Vietnam, and inside the commune where its boundary is loaded."""
    if point.srid not in (None, 4326):
        return _("toạ độ phải theo WGS 84 (kinh độ, vĩ độ)")
    if not point_in_vietnam(point):
        return _("toạ độ (%(lat).5f, %(lon).5f) nằm ngoài lãnh thổ Việt Nam") % {
            "lat": point.y,
            "lon": point.x,
        }
    commune_id = unit.pk if unit.level == Level.COMMUNE else _ancestor_id(unit, Level.COMMUNE)
    outside = (
        AdminUnit.objects.filter(pk=commune_id, boundary__isnull=False)
        .exclude(boundary__intersects=Point(point.x, point.y, srid=4326))
        .exists()
    )
    if outside:
        return _("toạ độ (%(lat).5f, %(lon).5f) nằm ngoài ranh giới của xã") % {
            "lat": point.y,
            "lon": point.x,
        }
    return None


def _check_key(spec: RegistrySpec[Any], given: Any, errors: dict[str, str]) -> str:
    key = normalize_key(str(given or ""))
    if not key:
        if spec.code_prefix is None:
            errors[spec.key] = _("bắt buộc, ví dụ %(example)s") % {"example": spec.key_example}
        return ""
    if not spec.key_pattern.match(key):
        errors[spec.key] = _("“%(key)s” không đúng dạng, ví dụ %(example)s") % {
            "key": key,
            "example": spec.key_example,
        }
    elif spec.model._default_manager.filter(**{spec.key: key}).exists():
        errors[spec.key] = _("đã có %(what)s mang mã “%(key)s”") % {
            "what": spec.verbose_name,
            "key": key,
        }
    return key


def _maker_place(
    spec: RegistrySpec[Any], refs: Mapping[str, Placed | None]
) -> tuple[AdminUnit, Point | None] | None:
    """The place of the first reference a row takes its place from, if any is given."""
    for name in spec.place_from:
        maker = refs.get(name)
        if maker is not None:
            return maker.unit, maker.location
    return None


def _missing_unit_reason(spec: RegistrySpec[Any]) -> str:
    if spec.place_from:
        return _("bắt buộc (hoặc để trống khi đã nhập %(refs)s: lấy theo nơi đó)") % {
            "refs": ", ".join(spec.label(name) for name in spec.place_from)
        }
    return _("bắt buộc")


# ---------------------------------------------------------------------------------------
# Writes


def _ancestor_id(unit: AdminUnit, level: str) -> int:
    ancestor_id: int | None = getattr(unit, f"{level}_id")
    if ancestor_id is None:
        raise DomainError(_("%(unit)s chưa được xếp vào cây đơn vị.") % {"unit": unit.name})
    return ancestor_id


def _place(instance: Placed, unit: AdminUnit, location: Point | None) -> None:
    """The ancestor columns from the unit; the unit itself as an object, so that the row's
    `unit` and its audit snapshot need no query."""
    instance.province_id = _ancestor_id(unit, Level.PROVINCE)
    if unit.level == Level.VILLAGE:
        instance.commune_id = _ancestor_id(unit, Level.COMMUNE)
        instance.village = unit
    else:
        instance.commune = unit
        instance.village = None
    if location is not None and location.srid is None:
        location = Point(location.x, location.y, srid=4326)
    instance.location = location


def registry_snapshot(*, spec: RegistrySpec[Any], instance: Placed) -> dict[str, Any]:
    """The audited values: the key and fields, references by their keys, the unit by its
    code and the point as WKT."""
    snapshot = model_snapshot(instance, [spec.key, *spec.plain_fields])
    for name, ref in spec.refs.items():
        target = getattr(instance, name)
        snapshot[name] = getattr(target, ref.key) if target is not None else None
    snapshot["unit"] = instance.unit.code
    snapshot["location"] = instance.location.wkt if instance.location else None
    return snapshot


def _search_name(spec: RegistrySpec[Any], instance: Placed) -> None:
    if spec.search_source:
        source = str(getattr(instance, spec.search_source))
        instance.search_name = normalize_name(source, fold_diacritics=True)  # type: ignore[attr-defined]  # every spec with a search source has the column


def _check_rules(
    spec: RegistrySpec[Any], values: Mapping[str, Any], errors: dict[str, str]
) -> None:
    """The registry's own rules over the row's values as they will be, today; a field that
    already has a reason keeps it."""
    if spec.rules is not None:
        found = spec.rules(values, timezone.localdate())
        errors |= {name: reason for name, reason in found.items() if name not in errors}


@transaction.atomic
def registry_create(*, spec: RegistrySpec[P], actor: Actor, values: Mapping[str, Any]) -> P:
    """Add a row. `values` holds the spec's fields, the key (left out or empty: generated
    as "<commune code>-<prefix><0001>" where the registry has a prefix), `unit` (a current
    commune or village; left out: the place of the maker or household, where the registry
    takes one) and `location` (a WGS 84 point)."""
    _require_manager_somewhere(actor)
    _check_names(spec, values)
    errors: dict[str, str] = {}
    refs = _resolve_refs(spec, actor, values, errors)
    cleaned = _clean_fields(spec, values, errors)
    unit: AdminUnit | None = values.get("unit")
    location: Point | None = values.get("location")
    if unit is None:
        place = _maker_place(spec, refs)
        if place is not None:
            unit = place[0]
            location = location if location is not None else place[1]
        elif spec.place_from and any(name in errors for name in spec.place_from):
            pass  # the bad reference is the reason already given
        else:
            errors["unit"] = _missing_unit_reason(spec)
    if unit is not None:
        if unit_error := _unit_error(unit):
            errors["unit"] = unit_error
        else:
            registry_manage_check(actor=actor, unit=unit)
            if location is not None and (location_error := _location_error(location, unit)):
                errors["location"] = location_error
    key = _check_key(spec, values.get(spec.key), errors)
    _check_rules(spec, cleaned | refs, errors)
    if errors or unit is None:
        raise RegistryInvalid(spec, errors)
    instance = spec.model(**cleaned, **refs)
    _place(instance, unit, location)
    _search_name(spec, instance)
    if key or spec.code_prefix is None:
        setattr(instance, spec.key, key)
        try:
            with transaction.atomic():
                instance.save(force_insert=True)
        except IntegrityError as exc:
            # Another officer saved the same key in between.
            raise RegistryInvalid(
                spec,
                {spec.key: _("vừa có %(what)s khác mang mã này") % {"what": spec.verbose_name}},
            ) from exc
    else:
        save_with_code(
            instance,
            field=spec.key,
            stem=code_stem(commune_code=_commune_code(unit), prefix=spec.code_prefix),
        )
    audit_record(
        actor=actor,
        instance=instance,
        action=AuditEntry.Action.CREATE,
        after=registry_snapshot(spec=spec, instance=instance),
    )
    return instance


def _commune_code(unit: AdminUnit) -> str:
    if unit.level == Level.COMMUNE:
        return unit.code
    code: str = AdminUnit.objects.values_list("code", flat=True).get(
        pk=_ancestor_id(unit, Level.COMMUNE)
    )
    return code


@transaction.atomic
def registry_update(
    *, spec: RegistrySpec[P], actor: Actor, instance: P, changes: Mapping[str, Any]
) -> P:
    """Change some values of a row; what `changes` leaves out keeps its value. The key
    never changes: plates, imports and other rows refer to it. Moving a row to another
    unit needs the right to manage both. `"unit": None` on a row that takes its place
    from a maker or household moves it back to that place. An edit that changes nothing
    writes nothing to the audit trail."""
    registry_manage_check(actor=actor, unit=instance.unit)
    _check_names(spec, changes)
    errors: dict[str, str] = {}
    key = getattr(instance, spec.key)
    if spec.key in changes and normalize_key(str(changes[spec.key] or "")) != key:
        errors[spec.key] = _("không đổi được mã “%(key)s”") % {"key": key}
    before = registry_snapshot(spec=spec, instance=instance)
    refs: dict[str, Placed | None] = {name: getattr(instance, name) for name in spec.refs}
    refs |= _resolve_refs(spec, actor, changes, errors)
    cleaned = {name: getattr(instance, name) for name in spec.plain_fields}
    cleaned |= _clean_fields(spec, changes, errors)
    unit: AdminUnit | None = instance.unit
    location: Point | None = changes.get("location", instance.location)
    if "unit" in changes:
        unit = changes["unit"]
        if unit is None and (place := _maker_place(spec, refs)) is not None:
            unit = place[0]
            if "location" not in changes:
                location = place[1]
        if unit is None:
            errors["unit"] = _missing_unit_reason(spec)
        elif unit.pk != instance.unit.pk:
            if unit_error := _unit_error(unit):
                errors["unit"] = unit_error
            else:
                registry_manage_check(actor=actor, unit=unit)
    if (
        unit is not None
        and "unit" not in errors
        and location is not None
        and ("location" in changes or "unit" in changes)
        and (location_error := _location_error(location, unit))
    ):
        errors["location"] = location_error
    _check_rules(spec, cleaned | refs, errors)
    if errors or unit is None:
        raise RegistryInvalid(spec, errors)
    for name, value in (cleaned | refs).items():
        setattr(instance, name, value)
    _place(instance, unit, location)
    _search_name(spec, instance)
    instance.save()
    audit_record(
        actor=actor,
        instance=instance,
        action=AuditEntry.Action.UPDATE,
        before=before,
        after=registry_snapshot(spec=spec, instance=instance),
    )
    return instance
