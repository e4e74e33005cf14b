"""Writes to administrative units: loading the national lists, villages, boundaries,
commune groups."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from django.contrib.gis.gdal import GDALException, OGRGeometry
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db import IntegrityError, transaction
from django.db.models import F, Model, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from langso.core.errors import AccessDenied, DomainError, ImportRejected, NotFound, RowError
from langso.core.models import AuditEntry
from langso.core.services import audit_record, job_progress, model_snapshot
from langso.core.text import normalize_name

from .boundary_files import BOUNDARY_EXTENSIONS as BOUNDARY_EXTENSIONS
from .boundary_files import boundary_geometry, boundary_source
from .models import KINDS_BY_LEVEL, AdminUnit, CommuneGroup, Kind, Level, UnitLineage, UnitSource
from .selectors import today
from .unit_sources import SourceData, SourceUnit, UnitKey

# Loading never touches what officers set or imported themselves.
_LOADED_FIELDS = (
    "kind",
    "name",
    "short_name",
    "search_name",
    "parent_id",
    "valid_from",
    "centroid",
    "area_km2",
    "region",
)
_ANCESTOR_FIELDS = ("province_id", "district_id", "commune_id")
_LEVEL_ORDER = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)


@dataclass(frozen=True)
class UnitLoadReport:
    source: str
    version: str
    created: int
    updated: int
    unchanged: int
    lineage_created: int
    lineage_updated: int
    lineage_unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.lineage_created or self.lineage_updated)


def _same_point(a: Point | None, b: Point | None) -> bool:
    if a is None or b is None:
        return a is b
    return round(a.x, 6) == round(b.x, 6) and round(a.y, 6) == round(b.y, 6)


def _loaded_values(unit: SourceUnit, parent_id: int | None) -> dict[str, Any]:
    return {
        "kind": unit.kind,
        "name": unit.name,
        "short_name": unit.short_name,
        "search_name": normalize_name(unit.name, fold_diacritics=True),
        "parent_id": parent_id,
        "valid_from": unit.valid_from,
        "centroid": None
        if unit.lon is None or unit.lat is None
        else Point(unit.lon, unit.lat, srid=4326),
        "area_km2": unit.area_km2,
        "region": unit.region,
    }


def _differs(existing: AdminUnit, values: dict[str, Any]) -> bool:
    for name, value in values.items():
        current = getattr(existing, name)
        if name == "centroid":
            if not _same_point(current, value):
                return True
        elif name == "area_km2":
            if (None if current is None else Decimal(current)) != value:
                return True
        elif current != value:
            return True
    return False


@transaction.atomic
def units_load(
    *, source: SourceData, progress: Callable[[str], None] | None = None
) -> UnitLoadReport:
    """Create or update units and lineage from a national list. Idempotent: loading the
    same list again writes nothing. Officers' own fields (commune group, boundaries) and
    villages are never touched."""
    say = progress or (lambda _message: None)
    unit_source, _ = UnitSource.objects.get_or_create(name=source.name, version=source.version)
    existing: dict[UnitKey, AdminUnit] = {
        (u.level, u.code, u.valid_to): u for u in AdminUnit.objects.filter(level__in=_LEVEL_ORDER)
    }
    ids: dict[UnitKey, int] = {key: unit.pk for key, unit in existing.items()}
    ancestors: dict[UnitKey, AdminUnit] = dict(existing)
    created = updated = unchanged = 0

    for level in _LEVEL_ORDER:
        to_create: list[AdminUnit] = []
        to_update: list[AdminUnit] = []
        for unit in (u for u in source.units if u.level == level):
            parent = ancestors[unit.parent] if unit.parent else None
            found = existing.get(unit.key)
            values = _loaded_values(unit, parent.pk if parent else None)
            # Ancestors at every level, itself included (set after insert for new rows).
            values |= {
                "province_id": parent.province_id if parent else None,
                "district_id": parent.district_id if parent else None,
                "commune_id": None,
                f"{level}_id": found.pk if found else None,
            }
            if found is None:
                to_create.append(
                    AdminUnit(
                        level=unit.level,
                        code=unit.code,
                        valid_to=unit.valid_to,
                        source=unit_source,
                        **values,
                    )
                )
            elif _differs(found, values):
                for name, value in values.items():
                    setattr(found, name, value)
                found.source = unit_source
                to_update.append(found)
            else:
                unchanged += 1
        AdminUnit.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            AdminUnit.objects.bulk_update(
                to_update, [*_ANCESTOR_FIELDS, *_LOADED_FIELDS, "source"], batch_size=500
            )
        # Each unit is its own ancestor at its level: the subtree is one equality.
        AdminUnit.objects.filter(level=level, **{f"{level}__isnull": True}).update(
            **{level: F("id")}
        )
        created += len(to_create)
        updated += len(to_update)
        for unit_obj in AdminUnit.objects.filter(level=level).only(
            "id", "level", "code", "valid_to", "province_id", "district_id", "commune_id"
        ):
            key = (unit_obj.level, unit_obj.code, unit_obj.valid_to)
            ancestors[key] = unit_obj
            ids[key] = unit_obj.pk
        say(f"{level}: {len(to_create)} created, {len(to_update)} updated")

    lineage_created, lineage_updated, lineage_unchanged = _lineage_load(
        source=source, unit_source=unit_source, ids=ids
    )
    say(f"lineage: {lineage_created} created, {lineage_updated} updated")
    report = UnitLoadReport(
        source=source.name,
        version=source.version,
        created=created,
        updated=updated,
        unchanged=unchanged,
        lineage_created=lineage_created,
        lineage_updated=lineage_updated,
        lineage_unchanged=lineage_unchanged,
    )
    if report.changed or not unit_source.counts:
        unit_source.counts = {
            level: sum(1 for u in source.units if u.level == level) for level in _LEVEL_ORDER
        } | {"lineage": len(source.lineage)}
        unit_source.save()
    return report


def _lineage_load(
    *, source: SourceData, unit_source: UnitSource, ids: dict[UnitKey, int]
) -> tuple[int, int, int]:
    existing = {
        (row.predecessor_id, row.successor_id): row
        for row in UnitLineage.objects.filter(predecessor_id__in=set(ids.values())).only(
            "id", "predecessor_id", "successor_id", "kind", "is_default", "share"
        )
    }
    to_create: list[UnitLineage] = []
    to_update: list[UnitLineage] = []
    unchanged = 0
    for link in source.lineage:
        pair = (ids[link.predecessor], ids[link.successor])
        found = existing.get(pair)
        if found is None:
            to_create.append(
                UnitLineage(
                    predecessor_id=pair[0],
                    successor_id=pair[1],
                    kind=link.kind,
                    is_default=link.is_default,
                    share=link.share,
                    source=unit_source,
                )
            )
            continue
        share = None if found.share is None else Decimal(found.share)
        if (found.kind, found.is_default, share) != (link.kind, link.is_default, link.share):
            found.kind, found.is_default, found.share = link.kind, link.is_default, link.share
            found.source = unit_source
            to_update.append(found)
        else:
            unchanged += 1
    UnitLineage.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        UnitLineage.objects.bulk_update(
            to_update, ["kind", "is_default", "share", "source"], batch_size=500
        )
    return len(to_create), len(to_update), unchanged


# ---------------------------------------------------------------------------------------
# Access. `places` cannot import `accounts`: it asks Django's permission API, which the
# accounts backend answers from the actor's roles on units and their subtrees.


class Actor(Protocol):
    """Whoever acts: a signed-in user or the anonymous user of a request."""

    pk: Any

    @property
    def is_authenticated(self) -> bool: ...

    def has_perm(self, perm: str, obj: Model | None = ...) -> bool: ...


MANAGE_VILLAGES = "manage_villages"
SET_COMMUNE_GROUP = "set_commune_group"
IMPORT_BOUNDARIES = "import_boundaries"


def _require_signed_in(actor: Actor) -> None:
    if not actor.is_authenticated:
        raise AccessDenied(_("Bạn cần đăng nhập để thay đổi đơn vị hành chính."))


def _require_current_commune(commune: AdminUnit) -> None:
    if commune.level != Level.COMMUNE:
        raise NotFound(_("Không có xã mã “%(code)s”.") % {"code": commune.code})
    if commune.valid_to is not None:
        raise DomainError(
            _("%(unit)s chỉ có hiệu lực đến %(day)s; chỉ thay đổi được xã hiện hành.")
            % {"unit": commune.name, "day": commune.valid_to.strftime("%d/%m/%Y")}
        )


def village_manage_check(*, actor: Actor, commune: AdminUnit) -> None:
    """Raise unless `commune` is a current commune whose villages `actor` may manage.
    Pages call it before showing a form; every village service calls it again."""
    _require_current_commune(commune)
    _require_signed_in(actor)
    if not actor.has_perm(MANAGE_VILLAGES, commune):
        raise AccessDenied(
            _("Bạn không có quyền quản lý thôn của %(commune)s.") % {"commune": commune.name}
        )


def village_commune(*, village: AdminUnit) -> AdminUnit:
    """The current commune of a current village (whose officers manage it)."""
    if village.level != Level.VILLAGE or village.commune is None:
        raise NotFound(_("Không có thôn mã “%(code)s”.") % {"code": village.code})
    if village.valid_to is not None:
        raise DomainError(
            _("%(unit)s chỉ có hiệu lực đến %(day)s; chỉ sửa được thôn hiện hành.")
            % {"unit": village.name, "day": village.valid_to.strftime("%d/%m/%Y")}
        )
    return village.commune


# ---------------------------------------------------------------------------------------
# Villages: each commune keeps its own list (the national lists stop at the commune).

# Header labels of the import file, by field. These are the file's format, in Vietnamese
# whatever the language of the page.
VILLAGE_COLUMNS: dict[str, str] = {
    "code": "Mã thôn",
    "name": "Tên thôn",
    "kind": "Loại",
    "lat": "Vĩ độ",
    "lon": "Kinh độ",
}
VILLAGE_OPTIONAL_COLUMNS = frozenset({"lat", "lon"})
VILLAGE_KINDS: tuple[str, ...] = KINDS_BY_LEVEL[Level.VILLAGE]
VILLAGE_CODE_MAX = 10
VILLAGE_NAME_MAX = 150
_VILLAGE_CODE = re.compile(r"[0-9A-Za-z-]{1,10}")
# Vietnam's bounding box, islands included, as the import rules state it.
LAT_MIN, LAT_MAX = 8.0, 24.0
LON_MIN, LON_MAX = 102.0, 118.5
_AUDITED_VILLAGE = [
    "code",
    "name",
    "short_name",
    "kind",
    "centroid",
    "parent",
    "province",
    "district",
    "commune",
    "valid_from",
]
_VILLAGE_WRITE_FIELDS = ["name", "short_name", "search_name", "kind", "centroid", "updated_at"]


class VillageInvalid(DomainError):
    """Bad values for one village: `errors` maps each field (code, name, kind, lat, lon)
    to its reason, so that a form can put each next to its field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(
            "; ".join(f"{VILLAGE_COLUMNS.get(f, f)}: {reason}" for f, reason in errors.items())
        )
        self.errors = dict(errors)


@dataclass(frozen=True)
class VillageImportReport:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class _VillageValues:
    name: str
    short_name: str
    kind: str
    point: Point | None


def village_kind_label(kind: str) -> str:
    """The kind's Vietnamese label ("Tổ dân phố"), whatever the active language."""
    with translation.override(None):
        return str(Kind(kind).label)


def village_kind_from_text(text: str) -> str | None:
    """The village kind named by `text`: its Vietnamese label in any case, with or without
    diacritics ("thôn", "Thon", "TỔ DÂN PHỐ"), its label in the active language, or its
    value ("to_dan_pho"); None if it names none."""
    key = normalize_name(text.replace("_", " "), fold_diacritics=True)
    if not key:
        return None
    for kind in VILLAGE_KINDS:
        names = (village_kind_label(kind), str(Kind(kind).label), kind.replace("_", " "))
        if key in {normalize_name(name, fold_diacritics=True) for name in names}:
            return kind
    return None


def village_short_name(name: str, kind: str) -> str:
    """The name without its kind's label in front: "Thôn Đông" → "Đông"."""
    label = village_kind_label(kind)
    prefix = normalize_name(label, fold_diacritics=True) + " "
    if normalize_name(name, fold_diacritics=True).startswith(prefix):
        rest = name[len(label) :].strip()
        if rest:
            return rest
    return name


def _clean_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split())


def _check_code(code: str) -> tuple[str, str | None]:
    """The commune's local code, upper-cased, and the reason it is bad if it is."""
    local = code.strip().upper()
    if not local:
        return local, _("Thiếu mã thôn.")
    if not _VILLAGE_CODE.fullmatch(local):
        return local, _(
            "Mã “%(code)s” không hợp lệ: mã thôn dài 1–%(max)s ký tự, chỉ gồm chữ không dấu, "
            "chữ số và dấu gạch ngang."
        ) % {"code": code.strip(), "max": VILLAGE_CODE_MAX}
    return local, None


def _parse_coordinate(text: str) -> float:
    """A decimal degree; "21,0285" (Vietnamese decimal comma) is read as 21.0285."""
    value = text.strip().replace(" ", "")
    if "," in value and "." not in value and value.count(",") == 1:
        value = value.replace(",", ".")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _check_values(
    *, name: str, kind: str, lat: float | None, lon: float | None
) -> tuple[_VillageValues | None, dict[str, str]]:
    errors: dict[str, str] = {}
    name = _clean_name(name)
    if not name:
        errors["name"] = _("Thiếu tên thôn.")
    elif len(name) > VILLAGE_NAME_MAX:
        errors["name"] = _("Tên thôn dài %(length)s ký tự, quá giới hạn %(max)s ký tự.") % {
            "length": len(name),
            "max": VILLAGE_NAME_MAX,
        }
    parsed_kind = village_kind_from_text(kind)
    if parsed_kind is None:
        labels = " / ".join(village_kind_label(k) for k in VILLAGE_KINDS)
        errors["kind"] = (
            _("Loại “%(kind)s” không hợp lệ; chọn một trong: %(labels)s.")
            % {"kind": kind.strip(), "labels": labels}
            if kind.strip()
            else _("Thiếu loại (%(labels)s).") % {"labels": labels}
        )
    if lat is not None and not LAT_MIN <= lat <= LAT_MAX:
        errors["lat"] = _(
            "Vĩ độ %(value)s nằm ngoài lãnh thổ Việt Nam (từ %(min)s đến %(max)s)."
        ) % {"value": lat, "min": LAT_MIN, "max": LAT_MAX}
    if lon is not None and not LON_MIN <= lon <= LON_MAX:
        errors["lon"] = _(
            "Kinh độ %(value)s nằm ngoài lãnh thổ Việt Nam (từ %(min)s đến %(max)s)."
        ) % {"value": lon, "min": LON_MIN, "max": LON_MAX}
    if (lat is None) != (lon is None):
        missing = "lat" if lat is None else "lon"
        errors[missing] = _("Cần cả vĩ độ và kinh độ, hoặc để trống cả hai.")
    if errors or parsed_kind is None:
        return None, errors
    point = (
        Point(round(lon, 6), round(lat, 6), srid=4326)
        if lat is not None and lon is not None
        else None
    )
    return _VillageValues(
        name=name, short_name=village_short_name(name, parsed_kind), kind=parsed_kind, point=point
    ), errors


def _name_key(name: str) -> str:
    return normalize_name(name)


def _village_with_name(
    *, commune: AdminUnit, name: str, exclude_pk: int | None = None
) -> AdminUnit | None:
    """Another current village of the commune with the same name (normalised)."""
    candidates = AdminUnit.objects.current().filter(
        level=Level.VILLAGE,
        commune=commune,
        search_name=normalize_name(name, fold_diacritics=True),
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    return next((v for v in candidates if _name_key(v.name) == _name_key(name)), None)


def _local_part(village: AdminUnit) -> str:
    return (
        village.code.removeprefix(f"{village.commune.code}-") if village.commune else village.code
    )


def _name_taken_reason(other: AdminUnit) -> str:
    return _("Xã đã có thôn tên “%(name)s” (mã %(code)s).") % {
        "name": other.name,
        "code": _local_part(other),
    }


def _apply_values(village: AdminUnit, values: _VillageValues, *, keep_point: bool) -> bool:
    """Set the values on the village; whether anything changed. With `keep_point`, no
    coordinates in `values` leave the stored point as it is."""
    changed = (village.name, village.short_name, village.kind) != (
        values.name,
        values.short_name,
        values.kind,
    )
    village.name, village.short_name, village.kind = values.name, values.short_name, values.kind
    village.search_name = normalize_name(values.name, fold_diacritics=True)
    if values.point is not None or not keep_point:
        if not _same_point(village.centroid, values.point):
            changed = True
        village.centroid = values.point
    return changed


def _be_own_village(villages: list[AdminUnit]) -> None:
    """A village is its own ancestor at its level, as every unit is (see AdminUnit)."""
    AdminUnit.objects.filter(pk__in=[v.pk for v in villages]).update(village=F("id"))
    for village in villages:
        village.village_id = village.pk


def _new_village(*, commune: AdminUnit, local_code: str, values: _VillageValues) -> AdminUnit:
    return AdminUnit(
        level=Level.VILLAGE,
        kind=values.kind,
        code=f"{commune.code}-{local_code}",
        name=values.name,
        short_name=values.short_name,
        search_name=normalize_name(values.name, fold_diacritics=True),
        parent=commune,
        province_id=commune.province_id,
        district_id=commune.district_id,
        commune_id=commune.commune_id,
        valid_from=today(),
        centroid=values.point,
        source=None,
    )


@transaction.atomic
def village_create(
    *,
    actor: Actor,
    commune: AdminUnit,
    code: str,
    name: str,
    kind: str,
    lon: float | None = None,
    lat: float | None = None,
) -> AdminUnit:
    """Add a village to a current commune. `code` is the commune's own code for it ("01",
    "T3"); the stored code is "<commune code>-<code>", unique in the country."""
    village_manage_check(actor=actor, commune=commune)
    local, code_error = _check_code(code)
    values, errors = _check_values(name=name, kind=kind, lat=lat, lon=lon)
    if code_error:
        errors = {"code": code_error} | errors
    elif (
        AdminUnit.objects.current()
        .filter(level=Level.VILLAGE, code=f"{commune.code}-{local}")
        .exists()
    ):
        errors = {"code": _("Xã đã có thôn mã “%(code)s”.") % {"code": local}} | errors
    if values is not None:
        other = _village_with_name(commune=commune, name=values.name)
        if other is not None:
            errors["name"] = _name_taken_reason(other)
    if errors or values is None:
        raise VillageInvalid(errors)
    village = _new_village(commune=commune, local_code=local, values=values)
    try:
        with transaction.atomic():
            village.save()
    except IntegrityError as exc:
        # Another officer added the same code in between.
        raise VillageInvalid(
            {"code": _("Xã vừa có thôn mã “%(code)s”.") % {"code": local}}
        ) from exc
    _be_own_village([village])
    audit_record(
        actor=actor,
        instance=village,
        action=AuditEntry.Action.CREATE,
        after=model_snapshot(village, _AUDITED_VILLAGE),
    )
    return village


@transaction.atomic
def village_update(
    *,
    actor: Actor,
    village: AdminUnit,
    name: str,
    kind: str,
    lon: float | None,
    lat: float | None,
) -> AdminUnit:
    """Rename a village, change its kind or its point (None, None clears the point). The
    code never changes: records elsewhere point at it."""
    commune = village_commune(village=village)
    village_manage_check(actor=actor, commune=commune)
    values, errors = _check_values(name=name, kind=kind, lat=lat, lon=lon)
    if values is not None:
        other = _village_with_name(commune=commune, name=values.name, exclude_pk=village.pk)
        if other is not None:
            errors["name"] = _name_taken_reason(other)
    if errors or values is None:
        raise VillageInvalid(errors)
    before = model_snapshot(village, _AUDITED_VILLAGE)
    if not _apply_values(village, values, keep_point=False):
        return village
    village.save(update_fields=_VILLAGE_WRITE_FIELDS)
    audit_record(
        actor=actor,
        instance=village,
        action=AuditEntry.Action.UPDATE,
        before=before,
        after=model_snapshot(village, _AUDITED_VILLAGE),
    )
    return village


def _row_coordinates(
    row: Mapping[str, str], errors: dict[str, str]
) -> tuple[float | None, float | None]:
    parsed: dict[str, float | None] = {}
    for field, what in (("lat", _("Vĩ độ")), ("lon", _("Kinh độ"))):
        text = row.get(field, "").strip()
        parsed[field] = None
        if not text:
            continue
        try:
            parsed[field] = _parse_coordinate(text)
        except ValueError:
            errors[field] = _(
                "%(what)s “%(value)s” không phải số (viết dạng thập phân, ví dụ 21.0285)."
            ) % {"what": what, "value": text}
    return parsed["lat"], parsed["lon"]


@transaction.atomic
def village_import_rows(
    *, actor: Actor, commune: AdminUnit, rows: list[dict[str, str]]
) -> VillageImportReport:
    """Create or update a commune's villages from a table (as `imports.read_table` returns
    it: row i is spreadsheet row i + 2). Every row is checked first; any bad row refuses
    the whole file with every error listed, and nothing is written. A village is matched
    by its code: importing again updates, never duplicates, and rows that change nothing
    write nothing. Empty coordinates leave a stored point as it is."""
    village_manage_check(actor=actor, commune=commune)
    column = VILLAGE_COLUMNS
    errors: list[RowError] = []
    parsed: list[tuple[int, str, _VillageValues]] = []
    first_row: dict[str, int] = {}
    for row_number, row in enumerate(rows, start=2):
        if not any(value.strip() for value in row.values()):
            continue
        row_errors: dict[str, str] = {}
        local, code_error = _check_code(row.get("code", ""))
        if code_error:
            row_errors["code"] = code_error
        elif local in first_row:
            row_errors["code"] = _("Mã “%(code)s” lặp lại (đã có ở dòng %(row)s).") % {
                "code": local,
                "row": first_row[local],
            }
        else:
            first_row[local] = row_number
        unparsed: dict[str, str] = {}
        lat, lon = _row_coordinates(row, unparsed)
        values, value_errors = _check_values(
            name=row.get("name", ""),
            kind=row.get("kind", ""),
            lat=lat,
            lon=lon,
        )
        # A cell that is not a number is reported as such (not as a missing coordinate).
        row_errors |= {k: v for k, v in value_errors.items() if k not in unparsed} | unparsed
        errors.extend(
            RowError(row_number, column[f], row_errors[f]) for f in column if f in row_errors
        )
        if not row_errors and values is not None:
            parsed.append((row_number, f"{commune.code}-{local}", values))

    codes = [full for _row, full, _values in parsed]
    existing = {
        unit.code: unit
        for unit in AdminUnit.objects.current()
        .filter(level=Level.VILLAGE)
        .filter(Q(commune=commune) | Q(code__in=codes))
        .select_related("commune")
    }
    # Names must stay distinct within the commune once the file is applied, so that two
    # villages may swap names in one file.
    final: dict[str, tuple[str, int | None]] = {
        code: (_name_key(unit.name), None)
        for code, unit in existing.items()
        if unit.commune_id == commune.pk
    }
    for row_number, full, values in parsed:
        unit = existing.get(full)
        if unit is not None and unit.commune_id != commune.pk:
            errors.append(
                RowError(
                    row_number,
                    column["code"],
                    _("Mã “%(code)s” đã thuộc một thôn của %(commune)s.")
                    % {"code": full, "commune": unit.commune.name if unit.commune else "?"},
                )
            )
            continue
        final[full] = (_name_key(values.name), row_number)
    by_name: dict[str, list[str]] = {}
    for code, (key, _row) in final.items():
        by_name.setdefault(key, []).append(code)
    for row_number, full, values in parsed:
        same = [c for c in by_name.get(_name_key(values.name), []) if c != full]
        if full not in final or not same:
            continue
        other_rows = sorted(r for c in same if (r := final[c][1]) is not None)
        if other_rows:
            reason = _("Tên “%(name)s” trùng với tên ở dòng %(rows)s.") % {
                "name": values.name,
                "rows": ", ".join(str(r) for r in other_rows),
            }
        else:
            reason = _name_taken_reason(existing[same[0]])
        errors.append(RowError(row_number, column["name"], reason))
    if errors:
        order = list(column.values())
        errors.sort(key=lambda e: (e.row, order.index(e.column) if e.column in order else 99))
        raise ImportRejected(errors)

    to_create: list[AdminUnit] = []
    to_update: list[tuple[AdminUnit, dict[str, Any]]] = []
    unchanged = 0
    now = timezone.now()
    for _row_number, full, values in parsed:
        found = existing.get(full)
        if found is None:
            local = full.removeprefix(f"{commune.code}-")
            to_create.append(_new_village(commune=commune, local_code=local, values=values))
            continue
        before = model_snapshot(found, _AUDITED_VILLAGE)
        if _apply_values(found, values, keep_point=True):
            found.updated_at = now
            to_update.append((found, before))
        else:
            unchanged += 1
    AdminUnit.objects.bulk_create(to_create, batch_size=500)
    if any(unit.pk is None for unit in to_create):
        # Databases that cannot return ids from a bulk insert.
        ids = dict(
            AdminUnit.objects.current()
            .filter(level=Level.VILLAGE, code__in=[u.code for u in to_create])
            .values_list("code", "pk")
        )
        for unit in to_create:
            unit.pk = ids[unit.code]
    _be_own_village(to_create)
    if to_update:
        AdminUnit.objects.bulk_update(
            [unit for unit, _before in to_update], _VILLAGE_WRITE_FIELDS, batch_size=500
        )
    for unit in to_create:
        audit_record(
            actor=actor,
            instance=unit,
            action=AuditEntry.Action.CREATE,
            after=model_snapshot(unit, _AUDITED_VILLAGE),
        )
    for unit, before in to_update:
        audit_record(
            actor=actor,
            instance=unit,
            action=AuditEntry.Action.UPDATE,
            before=before,
            after=model_snapshot(unit, _AUDITED_VILLAGE),
        )
    return VillageImportReport(created=len(to_create), updated=len(to_update), unchanged=unchanged)


# ---------------------------------------------------------------------------------------
# Commune groups of the 2026-2030 criteria, set by the province.


@transaction.atomic
def commune_group_set(*, actor: Actor, commune: AdminUnit, group: str) -> AdminUnit:
    """Put a current commune in a group (NHOM_1..3) of 51/2025/QĐ-TTg, or "" to clear."""
    _require_current_commune(commune)
    _require_signed_in(actor)
    if not actor.has_perm(SET_COMMUNE_GROUP, commune):
        raise AccessDenied(
            _("Bạn không có quyền xếp nhóm cho %(commune)s.") % {"commune": commune.name}
        )
    if group and group not in CommuneGroup.values:
        raise DomainError(
            _("Nhóm xã “%(group)s” không hợp lệ; chọn một trong: %(groups)s.")
            % {"group": group, "groups": ", ".join(CommuneGroup.values)}
        )
    if commune.commune_group == group:
        return commune
    before = model_snapshot(commune, ["commune_group"])
    commune.commune_group = group
    commune.save(update_fields=["commune_group", "updated_at"])
    audit_record(
        actor=actor,
        instance=commune,
        action=AuditEntry.Action.UPDATE,
        before=before,
        after=model_snapshot(commune, ["commune_group"]),
    )
    return commune


# ---------------------------------------------------------------------------------------
# Boundaries from GeoJSON, zipped Shapefile or GeoPackage, read through GDAL.

# Official codes have a fixed width; a file that stored them as numbers lost the zeros.
_CODE_WIDTH: dict[str, int] = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}
# What a unit's code looks like, with an example for the message. A value of another
# shape is never echoed: it is no code, and may be anything the file holds.
_CODE_SHAPE: dict[str, tuple[re.Pattern[str], str]] = {
    Level.PROVINCE: (re.compile(r"\d{2}"), "37"),
    Level.DISTRICT: (re.compile(r"\d{3}"), "367"),
    Level.COMMUNE: (re.compile(r"\d{5}"), "37001"),
    Level.VILLAGE: (re.compile(r"\d{5}-[0-9A-Za-z-]{1,10}"), "37001-01"),
}
_PROGRESS_EVERY = 50


@dataclass(frozen=True)
class BoundaryImportReport:
    features: int
    updated: int
    unchanged: int
    centroids_set: int


@dataclass(frozen=True)
class _BoundaryFeature:
    number: int
    code: str
    geometry: MultiPolygon | None


def _feature_code(value: Any, level: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    code = str(value).strip()
    width = _CODE_WIDTH.get(level)
    if width and code.isdigit():
        code = code.zfill(width)
    return code


def _read_boundaries(
    path: Path, *, level: str, code_field: str, job_id: int | None
) -> tuple[list[_BoundaryFeature], list[RowError]]:
    features: list[_BoundaryFeature] = []
    errors: list[RowError] = []
    with boundary_source(path) as source:
        if len(source) == 0:
            raise DomainError(_("Tệp không có lớp dữ liệu nào."))
        layer = source[0]
        field = next((f for f in layer.fields if f.lower() == code_field.lower()), None)
        if field is None:
            raise DomainError(
                _("Lớp “%(layer)s” không có trường “%(field)s”; các trường có: %(fields)s.")
                % {"layer": layer.name, "field": code_field, "fields": ", ".join(layer.fields)}
            )
        if layer.srs is None:
            raise DomainError(_("Tệp không cho biết hệ toạ độ (Shapefile cần tệp .prj)."))
        total = len(layer)
        if job_id is not None:
            job_progress(job_id=job_id, done=0, total=total, message=_("Đang kiểm tra…"))
        seen: dict[str, int] = {}
        for number, feature in enumerate(layer, start=1):
            code = _feature_code(feature.get(field), level)
            shape_of_code, example = _CODE_SHAPE[level]
            if not code:
                errors.append(RowError(number, code_field, _("Thiếu mã.")))
            elif not shape_of_code.fullmatch(code):
                code = ""
                errors.append(
                    RowError(
                        number,
                        code_field,
                        _("Giá trị không phải mã %(level)s (mã %(level)s có dạng %(example)s).")
                        % {"level": str(Level(level).label).lower(), "example": example},
                    )
                )
            elif code in seen:
                errors.append(
                    RowError(
                        number,
                        code_field,
                        _("Mã “%(code)s” lặp lại (đã có ở đối tượng %(first)s).")
                        % {"code": code, "first": seen[code]},
                    )
                )
            else:
                seen[code] = number
            try:
                geom: OGRGeometry | None = feature.geom
            except GDALException:
                geom = None
            if geom is None:
                errors.append(RowError(number, "geometry", _("Không có hình học.")))
                shape = None
            else:
                shape, reason = boundary_geometry(geom)
                if reason:
                    errors.append(RowError(number, "geometry", reason))
            features.append(_BoundaryFeature(number=number, code=code, geometry=shape))
            if job_id is not None and number % _PROGRESS_EVERY == 0:
                job_progress(job_id=job_id, done=number)
    return features, errors


def _boundary_summary(geometry: GEOSGeometry | None) -> str | None:
    """A short audit value for a boundary, instead of its whole WKT."""
    if geometry is None:
        return None
    digest = hashlib.sha256(bytes(geometry.wkb)).hexdigest()[:12]
    return f"{geometry.num_geom} vùng, {geometry.num_points} đỉnh, #{digest}"


def boundaries_import(
    *,
    actor: Actor | None,
    path: str | Path,
    level: str,
    code_field: str,
    job_id: int | None = None,
) -> BoundaryImportReport:
    """Set the boundaries of current units of `level` from a GeoJSON, zipped Shapefile or
    GeoPackage file (first layer; opened only as its extension says, `boundary_source`),
    matching each feature by its `code_field` attribute (for villages, the full code
    "<commune>-<village>"). Geometries are transformed to
    EPSG:4326 and polygons made multipolygons. Every feature is checked first: a missing,
    repeated or unknown code or a bad geometry refuses the whole file, listing features by
    number from 1. The actor needs "import_boundaries" on every unit matched. A unit's
    centroid is computed only when it has none. `actor` None is an operator at the
    command line, who already has the server."""
    if level not in Level.values:
        raise DomainError(_("Cấp “%(level)s” không hợp lệ.") % {"level": level})
    path = Path(path)
    features, errors = _read_boundaries(path, level=level, code_field=code_field, job_id=job_id)
    if not features and not errors:
        raise DomainError(_("Tệp không có đối tượng nào."))
    units = {
        unit.code: unit
        for unit in AdminUnit.objects.current().filter(
            level=level, code__in=[f.code for f in features if f.code]
        )
    }
    level_label = str(Level(level).label).lower()
    matched: list[tuple[AdminUnit, _BoundaryFeature]] = []
    for feature in features:
        if not feature.code:
            continue
        unit = units.get(feature.code)
        if unit is None:
            errors.append(
                RowError(
                    feature.number,
                    code_field,
                    _("Không có %(level)s hiện hành mã “%(code)s”.")
                    % {"level": level_label, "code": feature.code},
                )
            )
        else:
            matched.append((unit, feature))
    if actor is not None:
        _require_signed_in(actor)
        refused = sorted(
            {unit.name for unit, _f in matched if not actor.has_perm(IMPORT_BOUNDARIES, unit)}
        )
        if refused:
            shown = ", ".join(refused[:10])
            more = len(refused) - 10
            raise AccessDenied(
                _("Bạn không có quyền nhập ranh giới cho: %(units)s.") % {"units": shown}
                if more <= 0
                else _("Bạn không có quyền nhập ranh giới cho: %(units)s và %(more)s đơn vị khác.")
                % {"units": shown, "more": more}
            )
    if errors:
        errors.sort(key=lambda e: (e.row, e.column == "geometry"))
        raise ImportRejected(errors)

    if job_id is not None:
        job_progress(job_id=job_id, done=len(features), message=_("Đang ghi ranh giới…"))
    updated: list[tuple[AdminUnit, dict[str, Any]]] = []
    unchanged = centroids_set = 0
    now = timezone.now()
    for unit, feature in matched:
        geometry = feature.geometry
        if geometry is None:  # not reached: a missing geometry is an error above
            continue
        if unit.boundary is not None and unit.boundary.equals_exact(geometry, 1e-9):
            unchanged += 1
            continue
        before = {
            "boundary": _boundary_summary(unit.boundary),
            "centroid": _json_point(unit.centroid),
        }
        unit.boundary = geometry
        if unit.centroid is None:
            unit.centroid = Point(geometry.centroid.x, geometry.centroid.y, srid=4326)
            centroids_set += 1
        unit.updated_at = now
        updated.append((unit, before))
    with transaction.atomic():
        AdminUnit.objects.bulk_update(
            [unit for unit, _before in updated],
            ["boundary", "centroid", "updated_at"],
            batch_size=200,
        )
        for unit, before in updated:
            audit_record(
                actor=actor,
                instance=unit,
                action=AuditEntry.Action.UPDATE,
                before=before,
                after={
                    "boundary": _boundary_summary(unit.boundary),
                    "centroid": _json_point(unit.centroid),
                },
            )
    return BoundaryImportReport(
        features=len(features),
        updated=len(updated),
        unchanged=unchanged,
        centroids_set=centroids_set,
    )


def _json_point(point: Point | None) -> str | None:
    return None if point is None else f"POINT ({point.x:.6f} {point.y:.6f})"
