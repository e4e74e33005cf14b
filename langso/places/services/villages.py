"""Villages: each commune keeps its own list (the national lists stop at the commune).
Its officers add and edit them one by one or import a file of them."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.errors import FieldsInvalid, ImportRejected, RowError
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.core.text import normalize_name

from ..models import KINDS_BY_LEVEL, AdminUnit, Kind, Level
from ..selectors import today
from .access import village_commune, village_manage_check
from .units import same_point

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


class VillageInvalid(FieldsInvalid):
    """Bad values for one village: `errors` maps each field (code, name, kind, lat, lon)
    to its reason, so that a form can put each next to its field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(errors, label=VILLAGE_COLUMNS)


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
        if not same_point(village.centroid, values.point):
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
    """Create or update a commune's villages from a table (as `core.tabular.read_table`
    returns it: row i is spreadsheet row i + 2). Every row is checked first; any bad row refuses
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
