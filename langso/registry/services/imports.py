"""Bulk imports of the registries from officers' files (rows as `core.tabular.read_table`
returns them: row i is the spreadsheet's row i + 2, blank rows kept as all-empty).

Every row is read and checked first, against the stored rows it updates; any bad row
refuses the whole file with every bad row listed (row, Vietnamese column header, reason)
and nothing is written. A good file is written in batches inside one transaction. A row
whose key (a household's address code, a vessel's registration number, any other
registry's code) is already stored updates that row instead of adding a second one; a
row that changes nothing writes nothing. An empty cell keeps the stored value: files
from other sources often leave out what they do not know, and that must not erase what
an officer recorded.

Rows without a key get one: households the commune's next generated address codes,
coded registries the commune's next "<commune>-<prefix><0001>" codes.

Each created or changed row leaves its own audit entry (who, what, old → new, phones
masked), written in bulk. A household import publishes one `HouseholdsChanged` event
with every change and flags likely duplicates among the rows it touched.
"""

from __future__ import annotations

import datetime as dt
import gc
import struct
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import IntegrityError, models, transaction
from django.db.models import F, FloatField, Func
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.core.actors import Actor
from langso.core.db import capabilities
from langso.core.errors import AccessDenied, DomainError, ImportRejected, RowError
from langso.core.events import publish
from langso.core.models import AuditEntry
from langso.core.services import audit_changes, audit_entry_values, job_progress
from langso.core.text import normalize_name
from langso.places.models import AdminUnit, Level

from .. import address_codes, bulk, duplicates
from ..events import HouseholdsChanged
from ..models import (
    EVENT_FIELDS,
    FIELD_GROUPS,
    AddressCodeKind,
    Household,
    HouseholdStatus,
    Source,
    head_name_keys,
)
from ..selectors.scope import within_scope
from ..sequences import code_stem, next_code
from ..transfer import (
    HOUSEHOLD,
    Cell,
    CellError,
    Parser,
    Transfer,
    household_code_error,
    parser_for,
    transfer_for,
)
from ..validation import choice_errors, count_errors
from .households import AUDITED_FIELDS, mask_phone

Rows = Sequence[Mapping[str, str]]
# (x, y) rounded to 6 decimals (~10 cm): what a file holds and an export writes.
XY = tuple[float, float]

_PROGRESS_EVERY = 20_000
_WRITE_BATCH = 2000
_PLACE_FIELDS = ("province", "commune", "village")
# The audited household fields (`services.households.AUDITED_FIELDS`) copied as they are.
_HOUSEHOLD_PLAIN = tuple(
    name
    for name in AUDITED_FIELDS
    if name not in (*_PLACE_FIELDS, "merged_into", "location", "address_code", "head_phone")
)


@dataclass(frozen=True)
class ImportReport:
    registry: str
    rows: int
    created: int
    updated: int
    unchanged: int
    codes_generated: int
    likely_duplicates: int = 0


@dataclass(slots=True)
class _Row:
    number: int
    key: str
    # Plain fields given in the file, parsed; references by their keys.
    values: dict[str, Any]
    refs: dict[str, str]
    unit_code: str
    point: XY | None
    unit: AdminUnit | None = None
    existing: dict[str, Any] | None = None
    # The row as it will be stored: plain fields, refs as (id, key) or None, location.
    merged: dict[str, Any] = field(default_factory=dict)
    changed: tuple[str, ...] = ()


class _Errors:
    """Row errors by (row, column), in the order the columns stand in the file."""

    def __init__(self, transfer: Transfer) -> None:
        self.transfer = transfer
        self.items: list[RowError] = []
        self.rows: dict[int, set[str]] = defaultdict(set)

    def add(self, row: int, field_name: str, reason: str) -> None:
        header = self.transfer.header(field_name)
        self.items.append(RowError(row, header, reason))
        self.rows[row].add(header)

    def has(self, row: int, field_name: str) -> bool:
        """Whether the cell (the column of `field_name` on `row`) is named already."""
        return row in self.rows and self.transfer.header(field_name) in self.rows[row]

    def raise_if_any(self) -> None:
        if not self.items:
            return
        order = {c.header: i for i, c in enumerate(self.transfer.columns)}
        self.items.sort(key=lambda e: (e.row, order.get(e.column, len(order))))
        raise ImportRejected(self.items)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _in_size() -> int:
    """Values per `__in` lookup that every database binds."""
    return max(100, min(10_000, capabilities().max_query_params - 10))


def _progress(job_id: int | None, done: int, total: int, message: str) -> None:
    if job_id is not None:
        job_progress(job_id=job_id, done=done, total=total, message=message)


# ---------------------------------------------------------------------------------------
# Access


def _require_manager(actor: Actor, unit: AdminUnit | None) -> None:
    if not actor.is_authenticated:
        raise AccessDenied(_("Bạn cần đăng nhập để nhập sổ đăng ký."))
    if unit is None:
        if not actor.has_perm(Permission.MANAGE_REGISTRIES):
            raise AccessDenied(_("Bạn không có quyền quản lý sổ đăng ký."))
    elif not actor.has_perm(Permission.MANAGE_REGISTRIES, unit):
        raise AccessDenied(
            _("Bạn không có quyền quản lý sổ đăng ký của %(unit)s.") % {"unit": unit.name}
        )


class _Scope:
    """Whether the actor may write rows placed on a unit, asked once per unit."""

    def __init__(self, actor: Actor, within: AdminUnit | None) -> None:
        self.actor = actor
        self.within = within
        self._answers: dict[int, str | None] = {}

    def refusal(self, unit: AdminUnit) -> str | None:
        if unit.pk not in self._answers:
            reason: str | None = None
            if self.within is not None and not self.within.contains(unit):
                reason = _("%(unit)s không thuộc %(scope)s, nơi đang nhập") % {
                    "unit": unit.name,
                    "scope": self.within.name,
                }
            elif not self.actor.has_perm(Permission.MANAGE_REGISTRIES, unit):
                reason = _("%(unit)s nằm ngoài phạm vi bạn được quản lý") % {"unit": unit.name}
            self._answers[unit.pk] = reason
        return self._answers[unit.pk]


# ---------------------------------------------------------------------------------------
# Reading the rows


def _parse(transfer: Transfer, rows: Rows, errors: _Errors, job_id: int | None) -> list[_Row]:
    key_column = transfer.column(transfer.key)
    unit_field = "village" if transfer.registry == HOUSEHOLD else "unit"
    unit_column = transfer.column(unit_field)
    plain: list[tuple[str, bool, Parser]] = []
    references: list[tuple[str, Parser]] = []
    for column in transfer.columns:
        if column.cell is Cell.REFERENCE:
            references.append((column.field, parser_for(column)))
        elif column.cell not in (Cell.KEY, Cell.UNIT, Cell.LATITUDE, Cell.LONGITUDE):
            plain.append((column.field, column.required, parser_for(column)))
    read_key, read_unit = parser_for(key_column), parser_for(unit_column)
    lat_lon = (parser_for(transfer.column("lat")), parser_for(transfer.column("lon")))
    key_is_household = transfer.registry == HOUSEHOLD
    key_pattern = None if transfer.spec is None else transfer.spec.key_pattern
    first_row: dict[str, int] = {}
    parsed: list[_Row] = []
    total = len(rows)
    for number, row in enumerate(rows, start=2):
        if number % _PROGRESS_EVERY == 0:
            _progress(job_id, number, total, _("Đang kiểm tra tệp…"))
        if not any(row.values()):
            continue
        bad = False
        values: dict[str, Any] = {}
        for name, required, read in plain:
            text = row.get(name, "")
            if not text:
                if required:
                    errors.add(number, name, _("thiếu giá trị (bắt buộc)"))
                    bad = True
                continue
            try:
                values[name] = read(text)
            except CellError as exc:
                errors.add(number, name, exc.reason)
                bad = True
        refs = {name: read(text) for name, read in references if (text := row.get(name, ""))}
        key = read_key(text) if (text := row.get(transfer.key, "")) else ""
        if not key:
            if key_column.required:
                errors.add(number, transfer.key, _("thiếu giá trị (bắt buộc)"))
                bad = True
        elif (key_is_household and not address_codes.ANY_CODE_PATTERN.match(key)) or (
            key_pattern is not None and not key_pattern.match(key)
        ):
            errors.add(number, transfer.key, _("“%(key)s” không đúng dạng mã") % {"key": key})
            bad = True
        elif key in first_row:
            errors.add(
                number,
                transfer.key,
                _("mã “%(key)s” lặp lại (đã có ở dòng %(row)s)")
                % {"key": key, "row": first_row[key]},
            )
            bad = True
        else:
            first_row[key] = number
        unit_code = read_unit(text) if (text := row.get(unit_field, "")) else ""
        if not unit_code and unit_column.required:
            errors.add(number, unit_field, _("thiếu giá trị (bắt buộc)"))
            bad = True
        point = _point(row, number, errors, lat_lon)
        if point is False:
            bad = True
        # A bad row is still looked up below, so that it shows all its reasons at once.
        parsed.append(
            _Row(
                number=number,
                key=key,
                values=values,
                refs=refs,
                unit_code=unit_code,
                point=None if bad else point,
            )
        )
    return parsed


def _point(
    row: Mapping[str, str], number: int, errors: _Errors, readers: tuple[Parser, Parser]
) -> Any:
    """The (x, y) of the row, None when both cells are empty, False when bad."""
    lat_text, lon_text = row.get("lat", ""), row.get("lon", "")
    if not lat_text and not lon_text:
        return None
    if not lat_text or not lon_text:
        missing = "lat" if not lat_text else "lon"
        errors.add(number, missing, _("cần cả vĩ độ và kinh độ, hoặc để trống cả hai"))
        return False
    coordinates: dict[str, float] = {}
    for name, text, read in (("lat", lat_text, readers[0]), ("lon", lon_text, readers[1])):
        try:
            coordinates[name] = read(text)
        except CellError as exc:
            errors.add(number, name, exc.reason)
    if len(coordinates) < 2:
        return False
    return (coordinates["lon"], coordinates["lat"])


# ---------------------------------------------------------------------------------------
# Looking up units, references and stored rows, in bulk


class _Units:
    """Current villages and communes by code, and any unit by id, read in bulk."""

    def __init__(self) -> None:
        self.by_code: dict[str, AdminUnit] = {}
        self.by_id: dict[int, AdminUnit] = {}

    def _keep(self, units: Iterable[AdminUnit]) -> None:
        for unit in units:
            self.by_id[unit.pk] = unit
            # A village and a commune never share a code; a village wins if they did.
            if (
                unit.valid_to is None
                and unit.level in (Level.VILLAGE, Level.COMMUNE)
                and (unit.level == Level.VILLAGE or unit.code not in self.by_code)
            ):
                self.by_code[unit.code] = unit

    def load_codes(self, codes: Iterable[str]) -> None:
        wanted = sorted(set(codes) - set(self.by_code))
        for chunk in _chunks(wanted, _in_size()):
            self._keep(
                AdminUnit.objects.current()
                .filter(level__in=(Level.VILLAGE, Level.COMMUNE), code__in=chunk)
                .defer("boundary")
            )

    def load_ids(self, ids: Iterable[int | None]) -> None:
        wanted = sorted({i for i in ids if i is not None} - set(self.by_id))
        for chunk in _chunks(wanted, _in_size()):
            self._keep(AdminUnit.objects.filter(pk__in=chunk).defer("boundary"))

    def place_of(self, values: Mapping[str, Any]) -> AdminUnit | None:
        """The lowest unit of a stored row (its village, else its commune)."""
        return self.by_id.get(values.get("village_id") or values.get("commune_id") or 0)


_X = Func(F("location"), function="ST_X", output_field=FloatField())
_Y = Func(F("location"), function="ST_Y", output_field=FloatField())


def _xy(values: dict[str, Any]) -> XY | None:
    x, y = values.pop("_x"), values.pop("_y")
    return None if x is None else (round(x, 6), round(y, 6))


def _references(
    transfer: Transfer, actor: Actor, parsed: list[_Row]
) -> dict[str, dict[str, dict[str, Any]]]:
    """For each reference column, the rows it names inside the actor's scope, by key.
    A key outside the scope reads as unknown: nothing reveals what lies outside."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for column in transfer.columns:
        if column.cell is not Cell.REFERENCE or column.target is None:
            continue
        keys = sorted({row.refs[column.field] for row in parsed if column.field in row.refs})
        rows: dict[str, dict[str, Any]] = {}
        extra = ("status",) if column.target is Household else ()
        for chunk in _chunks(keys, _in_size()):
            queryset = within_scope(column.target._default_manager.all(), user=actor).filter(
                **{f"{column.target_key}__in": chunk}
            )
            for values in queryset.annotate(_x=_X, _y=_Y).values(
                "pk",
                column.target_key,
                "province_id",
                "commune_id",
                "village_id",
                "_x",
                "_y",
                *extra,
            ):
                values["location"] = _xy(values)
                rows[values[column.target_key]] = values
        found[column.field] = rows
    return found


def _stored_fields(transfer: Transfer) -> list[str]:
    names = ["pk", transfer.key, "province_id", "commune_id", "village_id", "_x", "_y"]
    for column in transfer.columns:
        if column.cell in (Cell.KEY, Cell.UNIT, Cell.LATITUDE, Cell.LONGITUDE):
            continue
        if column.cell is Cell.REFERENCE:
            names += [f"{column.field}_id", f"{column.field}__{column.target_key}"]
        else:
            names.append(column.field)
    if transfer.registry == HOUSEHOLD:
        names += ["address_code_kind", "head_name_key"]
    return names


def _stored(transfer: Transfer, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The stored rows with these keys, by key, as plain values."""
    names = _stored_fields(transfer)
    refs = [c for c in transfer.columns if c.cell is Cell.REFERENCE]
    stored: dict[str, dict[str, Any]] = {}
    manager = transfer.model._default_manager
    for chunk in _chunks(keys, _in_size()):
        queryset = manager.filter(**{f"{transfer.key}__in": chunk}).annotate(_x=_X, _y=_Y)
        for values in queryset.values(*names):
            values["location"] = _xy(values)
            for column in refs:
                ref_id = values.pop(f"{column.field}_id")
                ref_key = values.pop(f"{column.field}__{column.target_key}")
                values[column.field] = None if ref_id is None else (ref_id, ref_key)
            stored[values[transfer.key]] = values
    return stored


def _defaults(transfer: Transfer) -> dict[str, Any]:
    """The values of a new row before the file's are laid over them."""
    defaults: dict[str, Any] = {"location": None}
    for column in transfer.columns:
        if column.cell in (Cell.KEY, Cell.UNIT, Cell.LATITUDE, Cell.LONGITUDE):
            continue
        if column.cell is Cell.REFERENCE:
            defaults[column.field] = None
            continue
        model_field = transfer.model._meta.get_field(column.field)
        assert isinstance(model_field, models.Field)  # noqa: S101  # columns name concrete fields
        defaults[column.field] = model_field.get_default()
    return defaults


# ---------------------------------------------------------------------------------------
# Checking each row against what it updates


def _place_row(
    row: _Row,
    transfer: Transfer,
    units: _Units,
    refs: Mapping[str, Mapping[str, dict[str, Any]]],
    scope: _Scope,
    errors: _Errors,
) -> None:
    unit_field = "village" if transfer.registry == HOUSEHOLD else "unit"
    spec = transfer.spec
    place_from = spec.place_from if spec is not None else ()
    maker = next(
        (
            found
            for name in place_from
            if name in row.refs and (found := refs[name].get(row.refs[name])) is not None
        ),
        None,
    )
    if row.unit_code:
        unit = units.by_code.get(row.unit_code)
        if unit is None:
            what = _("thôn") if transfer.registry == HOUSEHOLD else _("thôn hoặc xã")
            errors.add(
                row.number,
                unit_field,
                _("không có %(what)s hiện hành mã “%(code)s”")
                % {"what": what, "code": row.unit_code},
            )
            return
    elif maker is not None:
        # Products and farms stand where their cooperative or household is.
        unit = units.place_of(maker)
        if unit is None:
            return
        if row.point is None and row.existing is None:
            row.point = maker["location"]
    elif row.existing is not None:
        # A stored row named without a unit keeps its place.
        unit = units.place_of(row.existing)
        if unit is None:
            return
    else:
        # A required unit column already named the missing cell when it was read.
        if not transfer.column(unit_field).required and not any(
            name in row.refs for name in place_from
        ):
            errors.add(
                row.number,
                unit_field,
                _("bắt buộc (hoặc ghi mã hợp tác xã hay mã địa chỉ hộ để lấy theo nơi đó)"),
            )
        return
    if refusal := scope.refusal(unit):
        errors.add(row.number, unit_field, refusal)
        return
    row.unit = unit


def _merge(
    row: _Row,
    transfer: Transfer,
    defaults: Mapping[str, Any],
    refs: Mapping[str, Mapping[str, dict[str, Any]]],
    errors: _Errors,
) -> None:
    """Lay the file's values over the stored row (or the defaults) and resolve the
    references it names."""
    base = row.existing if row.existing is not None else defaults
    merged = {name: base[name] for name in defaults}
    merged.update(row.values)
    for name, key in row.refs.items():
        target = refs[name].get(key)
        if target is None:
            # Kept as given, so that the registry's rules see a maker was named.
            merged[name] = (None, key)
            column = transfer.column(name)
            what = column.target._meta.verbose_name if column.target is not None else ""
            errors.add(
                row.number,
                name,
                _("không có %(what)s mã “%(key)s” trong phạm vi của bạn")
                % {"what": what, "key": key},
            )
            continue
        merged[name] = (target["pk"], key)
    if row.point is not None:
        merged["location"] = row.point
    row.merged = merged


def _household_checks(row: _Row, errors: _Errors, refs: Mapping[str, Mapping[str, Any]]) -> None:
    merged = row.merged
    for name, reason in count_errors(merged).items():
        errors.add(row.number, name, reason)
    for name, reason in choice_errors(merged).items():
        errors.add(row.number, name, reason)
    code_error = (
        household_code_error(row.key)
        if row.existing is None and row.key and not errors.has(row.number, "address_code")
        else None
    )
    if code_error:
        errors.add(row.number, "address_code", code_error)
    target = merged.get("merged_into")
    if merged.get("status") == HouseholdStatus.MERGED:
        existing_target = row.existing.get("merged_into") if row.existing else None
        if target is None:
            if "merged_into" not in row.refs:
                errors.add(row.number, "merged_into", _("cần mã địa chỉ của hộ được gộp vào"))
        elif target[0] is None:
            pass  # an unknown code, named already
        elif target[1] == row.key:
            errors.add(row.number, "merged_into", _("không gộp một hộ vào chính nó"))
        elif (
            target != existing_target
            and refs["merged_into"][target[1]].get("status") != HouseholdStatus.ACTIVE
        ):
            errors.add(
                row.number,
                "merged_into",
                _("hộ %(code)s không còn ở đây nên không gộp vào được") % {"code": target[1]},
            )
    elif "merged_into" in row.refs:
        errors.add(row.number, "merged_into", _("chỉ ghi khi tình trạng là “Đã gộp vào hộ khác”"))
    else:
        merged["merged_into"] = None


def _spec_checks(row: _Row, transfer: Transfer, today: dt.date, errors: _Errors) -> None:
    spec = transfer.spec
    if spec is None or spec.rules is None:
        return
    for name, reason in spec.rules(row.merged, today).items():
        if not errors.has(row.number, name):
            errors.add(row.number, name, reason)


_WKB_MULTIPOINT = struct.Struct("<BII")
_WKB_POINT = struct.Struct("<BIdd")


def _multipoint(points: Sequence[XY]) -> GEOSGeometry:
    """The points as one GEOS multipoint, read from WKB (exact, and fast to build)."""
    pack = _WKB_POINT.pack
    wkb = _WKB_MULTIPOINT.pack(1, 4, len(points)) + b"".join(pack(1, 1, x, y) for x, y in points)
    return GEOSGeometry(memoryview(wkb))


def _check_boundaries(parsed: list[_Row], errors: _Errors) -> None:
    """Where a commune's boundary is loaded, a row's point must lie in it (or on it).
    Checked for rows whose point or commune changes, all points of a commune at once."""
    by_commune: dict[int, list[_Row]] = defaultdict(list)
    for row in parsed:
        point = row.merged.get("location")
        if row.unit is None or point is None:
            continue
        commune_id = row.unit.commune_id if row.unit.level == Level.VILLAGE else row.unit.pk
        existing = row.existing
        if (
            existing is not None
            and existing["location"] == point
            and existing["commune_id"] == commune_id
        ):
            continue
        if commune_id is not None:
            by_commune[commune_id].append(row)
    if not by_commune:
        return
    for chunk in _chunks(sorted(by_commune), _in_size()):
        for commune_id, name, boundary in AdminUnit.objects.filter(
            pk__in=chunk, boundary__isnull=False
        ).values_list("pk", "name", "boundary"):
            if boundary is None:
                continue
            # GEOS through Django, not shapely: shapely's own GEOS crashes the process once
            # SpatiaLite has loaded the system's GEOS into the global symbol scope.
            prepared = boundary.prepared
            rows = by_commune[commune_id]
            if prepared.covers(_multipoint([row.merged["location"] for row in rows])):
                # Every point lies in the commune or on its edge (nearly always): one call
                # instead of a GEOS point and a call per row.
                continue
            west, south, east, north = boundary.extent
            for row in rows:
                x, y = row.merged["location"]
                ok = west <= x <= east and south <= y <= north and prepared.intersects(Point(x, y))
                if not ok:
                    errors.add(
                        row.number,
                        "location",
                        _("toạ độ (%(lat)s, %(lon)s) nằm ngoài ranh giới của %(commune)s")
                        % {
                            "lat": row.merged["location"][1],
                            "lon": row.merged["location"][0],
                            "commune": name,
                        },
                    )


# ---------------------------------------------------------------------------------------
# Writing


def _compared(defaults: Mapping[str, Any]) -> tuple[str, ...]:
    return (*defaults, "village_id", "commune_id")


def _place_ids(unit: AdminUnit) -> dict[str, int | None]:
    if unit.level == Level.VILLAGE:
        return {
            "province_id": unit.province_id,
            "commune_id": unit.commune_id,
            "village_id": unit.pk,
        }
    return {"province_id": unit.province_id, "commune_id": unit.pk, "village_id": None}


def _json(value: Any) -> Any:
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def _wkt(xy: XY | None) -> str | None:
    # As GEOS writes it (`Point.wkt`, which single edits audit), without building a Point.
    return None if xy is None else f"POINT ({xy[0]!r} {xy[1]!r})"


class _Writer:
    """Turns checked rows into column values, audit entries and (households) events."""

    def __init__(self, transfer: Transfer, actor: Actor, units: _Units) -> None:
        self.transfer = transfer
        self.actor = actor
        self.units = units
        self.household = transfer.registry == HOUSEHOLD
        self.now = timezone.now()
        self.content_type_id = ContentType.objects.get_for_model(transfer.model).pk
        self.refs = [c.field for c in transfer.columns if c.cell is Cell.REFERENCE]
        spec = transfer.spec
        self.search_source = spec.search_source if spec is not None else None
        self._places: dict[int, dict[str, int | None]] = {}

    def place_ids(self, unit: AdminUnit) -> dict[str, int | None]:
        """`_place_ids(unit)`, worked out once per unit (a file has few, and many rows)."""
        place = self._places.get(unit.pk)
        if place is None:
            place = self._places[unit.pk] = _place_ids(unit)
        return place

    # Snapshots as the single-row services write them (households:
    # `services.households._audit_snapshot`; others: `services.placed.registry_snapshot`).
    def snapshot(
        self, key: str, values: Mapping[str, Any], place: Mapping[str, Any]
    ) -> dict[str, Any]:
        if self.household:
            # Household values are all JSON-safe already (text, numbers, booleans).
            snapshot: dict[str, Any] = {name: values.get(name) for name in _HOUSEHOLD_PLAIN}
            target = values.get("merged_into")
            snapshot["merged_into"] = None if target is None else target[0]
            snapshot["location"] = _wkt(values.get("location"))
            snapshot["address_code"] = key
            snapshot["head_phone"] = mask_phone(values.get("head_phone") or "")
            for name in _PLACE_FIELDS:
                snapshot[name] = place[f"{name}_id"]
            return snapshot
        snapshot = {self.transfer.key: key}
        for name, value in values.items():
            if name == "location":
                continue
            if name in self.refs:
                snapshot[name] = None if value is None else value[1]
            else:
                snapshot[name] = _json(value)
        unit = self.units.by_id.get(place["village_id"] or place["commune_id"])
        snapshot["unit"] = unit.code if unit is not None else None
        snapshot["location"] = _wkt(values.get("location"))
        return snapshot

    def entry(
        self,
        *,
        pk: int,
        label: str,
        action: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
    ) -> dict[str, Any]:
        """An `AuditEntry` row, as `core.services.audit_record` would write it."""
        return audit_entry_values(
            actor=self.actor,
            content_type_id=self.content_type_id,
            object_id=pk,
            object_repr=label,
            action=action,
            changes=audit_changes(before, after),
            at=self.now,
        )

    def attributes(self, row: _Row) -> dict[str, Any]:
        """Column values (by attribute name) of the merged row; the point as (x, y)."""
        attrs = dict(row.merged)
        for name in self.refs:
            if name in attrs:
                value = attrs.pop(name)
                attrs[f"{name}_id"] = None if value is None else value[0]
        assert row.unit is not None  # noqa: S101  # rows without a unit were refused
        attrs.update(self.place_ids(row.unit))
        if self.search_source:
            attrs["search_name"] = normalize_name(
                str(row.merged[self.search_source]), fold_diacritics=True
            )
        if self.household:
            attrs.update(head_name_keys(row.merged["head_name"]))
        return attrs

    def label(self, key: str, attrs: Mapping[str, Any]) -> str:
        """What `str(instance)` gives, for the audit entry's `object_repr`."""
        if self.household:
            return key
        fields = {
            name: value
            for name, value in attrs.items()
            if name != "location" and not name.endswith("_id")
        }
        return str(self.transfer.model(**fields))


def _changed_fields(row: _Row, compared: Sequence[str]) -> tuple[str, ...]:
    existing = row.existing
    assert existing is not None  # noqa: S101  # only stored rows are compared
    place = _place_ids(row.unit) if row.unit is not None else {}
    changed: list[str] = []
    for name in compared:
        new = place[name] if name in place else row.merged.get(name)
        if existing.get(name) != new:
            changed.append(name)
    return tuple(changed)


def _groups_changed(changed: Iterable[str]) -> set[str]:
    names = set(changed)
    if "village_id" in names or "commune_id" in names:
        names.add("village")
    return {group for group, fields in FIELD_GROUPS.items() if names & set(fields)}


def _event_values(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {name: attrs.get(name) for name in EVENT_FIELDS}


def _next_codes(
    transfer: Transfer, by_commune: Mapping[AdminUnit, int]
) -> dict[int, Iterator[str]]:
    """New keys for rows without one, per commune (households: the address-code
    sequence; coded registries: the numbers after the highest in use)."""
    codes: dict[int, Iterator[str]] = {}
    spec = transfer.spec
    for commune, count in by_commune.items():
        if transfer.registry == HOUSEHOLD:
            codes[commune.pk] = iter(address_codes.allocate(commune=commune, count=count))
        elif spec is not None and spec.code_prefix is not None:
            stem = code_stem(commune_code=commune.code, prefix=spec.code_prefix)
            first = next_code(model=transfer.model, field=transfer.key, stem=stem)
            start = int(first[len(stem) :])
            codes[commune.pk] = (f"{stem}{n:04d}" for n in range(start, start + count))
    return codes


class _Plan:
    """What the write does: rows to add, rows to change, rows left alone."""

    def __init__(self, parsed: list[_Row], compared: Sequence[str]) -> None:
        self.creates: list[_Row] = []
        self.updates: list[_Row] = []
        self.unchanged = 0
        for row in parsed:
            if row.existing is None:
                self.creates.append(row)
                continue
            row.changed = _changed_fields(row, compared)
            if row.changed:
                self.updates.append(row)
            else:
                self.unchanged += 1


# Statistics refreshed after a large insert: the columns the duplicate search that
# follows a household import filters and joins on; for other registries, their key and
# place.
_ANALYZED_HOUSEHOLD = ("id", "village_id", "status", "head_name_key", "house_number", "location")
_ANALYZED_PLACED = ("id", "province_id", "commune_id", "village_id")

Event = tuple[int, dict[str, Any] | None, dict[str, Any] | None]


# Field groups a new household's freshness always starts with (the code and the place
# are always known); the others start once a value of theirs is given.
_GROUPS_KNOWN = ("identity", "location")
_GROUPS_GIVEN = tuple(
    (f"{group}_updated_at", f"{group}_source", fields)
    for group, fields in FIELD_GROUPS.items()
    if group not in _GROUPS_KNOWN
)


def _group_stamps(row: _Row, now: dt.datetime) -> dict[str, Any]:
    """A new household's field-group freshness and source."""
    stamps: dict[str, Any] = {}
    for group in _GROUPS_KNOWN:
        stamps[f"{group}_updated_at"] = now
        stamps[f"{group}_source"] = Source.IMPORT
    merged = row.merged
    for updated_at, source, fields in _GROUPS_GIVEN:
        for name in fields:
            value = merged.get(name)
            if value is not None and value != "":
                stamps[updated_at] = now
                stamps[source] = Source.IMPORT
                break
    return stamps


def _creates(
    writer: _Writer, plan: _Plan, units: _Units, events: list[Event]
) -> tuple[list[int], int, Iterator[dict[str, Any]]]:
    """Insert the new rows. Returns their ids, how many keys were generated, and their
    audit entries, made as they are read (appending each row's event to `events`)."""
    transfer = writer.transfer
    household = writer.household
    needing_codes: dict[int, int] = defaultdict(int)
    for row in plan.creates:
        if not row.key:
            assert row.unit is not None  # noqa: S101  # rows without a unit were refused
            commune_id = row.unit.commune_id if row.unit.level == Level.VILLAGE else row.unit.pk
            assert commune_id is not None  # noqa: S101  # current units have their commune
            needing_codes[commune_id] += 1
    units.load_ids(needing_codes)
    codes = _next_codes(transfer, {units.by_id[pk]: count for pk, count in needing_codes.items()})
    now = writer.now
    new_attrs: list[dict[str, Any]] = []

    def new_rows() -> Iterator[dict[str, Any]]:
        # Made while COPY sends the rows before them: Python and the server work at once.
        for row in plan.creates:
            attrs = writer.attributes(row)
            attrs[transfer.key] = row.key or next(codes[attrs["commune_id"]])
            attrs["created_at"] = attrs["updated_at"] = now
            if household:
                attrs["address_code_kind"] = (
                    AddressCodeKind.NATIONAL if row.key else AddressCodeKind.GENERATED
                )
                attrs.update(_group_stamps(row, now))
            new_attrs.append(attrs)
            yield attrs

    bulk.insert_rows(
        transfer.model,
        new_rows(),
        analyze=_ANALYZED_HOUSEHOLD if household else _ANALYZED_PLACED,
    )
    ids = bulk.ids_by_key(transfer.model, transfer.key, [a[transfer.key] for a in new_attrs])
    created = [ids[attrs[transfer.key]] for attrs in new_attrs]

    def entries() -> Iterator[dict[str, Any]]:
        for pk, attrs, row in zip(created, new_attrs, plan.creates, strict=True):
            key = attrs[transfer.key]
            values = row.merged
            if household:
                values = values | {"address_code_kind": attrs["address_code_kind"]}
            yield writer.entry(
                pk=pk,
                label=writer.label(key, attrs),
                action=AuditEntry.Action.CREATE,
                before={},
                after=writer.snapshot(key, values, attrs),
            )
            if household:
                events.append((pk, None, _event_values(attrs)))

    return created, sum(needing_codes.values()), entries()


def _updates(
    writer: _Writer, plan: _Plan, defaults: Mapping[str, Any], events: list[Event]
) -> list[dict[str, Any]]:
    """Write the changed rows; their audit entries."""
    transfer = writer.transfer
    household = writer.household
    entries: list[dict[str, Any]] = []
    by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in plan.updates:
        existing = row.existing
        assert existing is not None  # noqa: S101  # updates are of stored rows
        attrs = writer.attributes(row)
        names = {(f"{name}_id" if name in writer.refs else name) for name in row.changed}
        if "village_id" in names or "commune_id" in names:
            names |= {"village_id", "commune_id", "province_id"}
        if household:
            if "head_name" in names:
                names |= {"head_name_key", "head_name_search"}
            for group in _groups_changed(row.changed):
                attrs[f"{group}_updated_at"] = writer.now
                attrs[f"{group}_source"] = Source.IMPORT
                names |= {f"{group}_updated_at", f"{group}_source"}
        elif writer.search_source in names:
            names.add("search_name")
        attrs["updated_at"] = writer.now
        names.add("updated_at")
        attrs["id"] = existing["pk"]
        by_fields[tuple(sorted(names))].append(attrs)

        old_place = {name: existing[name] for name in ("province_id", "commune_id", "village_id")}
        before_values = {name: existing[name] for name in defaults}
        after_values = dict(row.merged)
        if household:
            before_values["address_code_kind"] = existing["address_code_kind"]
            after_values["address_code_kind"] = existing["address_code_kind"]
        before = writer.snapshot(row.key, before_values, old_place)
        after = writer.snapshot(row.key, after_values, attrs)
        if (
            household
            and existing["head_phone"] != row.merged["head_phone"]
            and before.get("head_phone") == after.get("head_phone")
        ):
            # Two numbers can share their last digits: the trail still shows a change.
            after["head_phone"] = f"{after['head_phone']} ({_('số mới')})"
        entries.append(
            writer.entry(
                pk=existing["pk"],
                label=writer.label(row.key, attrs | {transfer.key: row.key}),
                action=AuditEntry.Action.UPDATE,
                before=before,
                after=after,
            )
        )
        if household:
            before_event = {name: existing.get(name) for name in EVENT_FIELDS}
            events.append((existing["pk"], before_event, _event_values(attrs)))
    for fields, rows in by_fields.items():
        bulk.update_rows(transfer.model, fields, rows)
    return entries


def _write(
    transfer: Transfer,
    actor: Actor,
    parsed: list[_Row],
    units: _Units,
    defaults: Mapping[str, Any],
) -> ImportReport:
    writer = _Writer(transfer, actor, units)
    plan = _Plan(parsed, _compared(defaults))
    created_events: list[Event] = []
    updated_events: list[Event] = []
    created, generated, created_entries = _creates(writer, plan, units, created_events)
    updated_entries = _updates(writer, plan, defaults, updated_events)
    bulk.insert_rows(AuditEntry, chain(created_entries, updated_entries))
    events = created_events + updated_events

    flagged = 0
    if writer.household and events:
        publish(HouseholdsChanged(changes=tuple(events), source=Source.IMPORT))
        touched = created + [
            row.existing["pk"]
            for row in plan.updates
            if row.existing is not None and _groups_changed(row.changed) & {"identity", "location"}
        ]
        flagged = duplicates.likely_duplicates_flag(household_ids=touched)
    return ImportReport(
        registry=transfer.registry,
        rows=len(parsed),
        created=len(plan.creates),
        updated=len(plan.updates),
        unchanged=plan.unchanged,
        codes_generated=generated,
        likely_duplicates=flagged,
    )


# ---------------------------------------------------------------------------------------
# Services


def registry_import_rows(
    *,
    actor: Actor,
    registry: str,
    rows: Rows,
    unit: AdminUnit | None = None,
    job_id: int | None = None,
) -> ImportReport:
    """Create or update rows of `registry` ("household", or a name of `specs.SPECS`) from
    a read table. `unit`, when given,
    is the unit the file is for: every row must lie under it. Every row must lie where
    `actor` manages registries. Raises `ImportRejected` with every bad row, or
    `AccessDenied` when the actor may not import at all; writes nothing then."""
    with _without_cyclic_gc():
        return _import(actor=actor, registry=registry, rows=rows, unit=unit, job_id=job_id)


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """An import holds millions of small objects until it ends; the cyclic collector
    would rescan all of them again and again while rows are built (a third of the time
    of a large import). Reference counting still frees everything short-lived."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(
    *, actor: Actor, registry: str, rows: Rows, unit: AdminUnit | None, job_id: int | None
) -> ImportReport:
    transfer = transfer_for(registry)
    if transfer is None:
        raise DomainError(_("Không có sổ đăng ký “%(name)s”.") % {"name": registry})
    _require_manager(actor, unit)
    errors = _Errors(transfer)
    parsed = _parse(transfer, rows, errors, job_id)
    if not parsed and not errors.items:
        raise DomainError(_("Tệp không có dòng dữ liệu nào."))

    units = _Units()
    units.load_codes(row.unit_code for row in parsed if row.unit_code)
    refs = _references(transfer, actor, parsed)
    for rows_of_ref in refs.values():
        units.load_ids(
            v for ref in rows_of_ref.values() for v in (ref["village_id"], ref["commune_id"])
        )
    stored = _stored(transfer, sorted({row.key for row in parsed if row.key}))
    units.load_ids(v for s in stored.values() for v in (s["village_id"], s["commune_id"]))
    scope = _Scope(actor, unit)
    defaults = _defaults(transfer)
    today = timezone.localdate()
    for row in parsed:
        if row.key in stored:
            row.existing = stored[row.key]
            place = units.place_of(row.existing)
            if place is not None and (refusal := scope.refusal(place)):
                errors.add(
                    row.number,
                    transfer.key,
                    _("mã “%(key)s” đã được dùng cho một bản ghi ngoài phạm vi này (%(reason)s)")
                    % {"key": row.key, "reason": refusal},
                )
                continue
        _place_row(row, transfer, units, refs, scope, errors)
        _merge(row, transfer, defaults, refs, errors)
        # Checked even when the row has errors already: each bad row shows every reason.
        if transfer.registry == HOUSEHOLD:
            _household_checks(row, errors, refs)
        else:
            _spec_checks(row, transfer, today, errors)
    _check_boundaries([row for row in parsed if row.number not in errors.rows], errors)
    errors.raise_if_any()

    _progress(job_id, len(rows), len(rows), _("Đang ghi…"))
    try:
        with transaction.atomic():
            return _write(transfer, actor, parsed, units, defaults)
    except IntegrityError as exc:
        raise DomainError(
            _(
                "Dữ liệu vừa thay đổi trong lúc nhập (một mã vừa được người khác dùng); "
                "không có dòng nào được ghi. Hãy nhập lại tệp."
            )
        ) from exc


def household_import_rows(
    *, actor: Actor, rows: Rows, unit: AdminUnit | None = None, job_id: int | None = None
) -> ImportReport:
    """Households from a file: see `registry_import_rows`. Rows without an address code
    get the commune's next generated codes; a typed code of Làng Số's generated form must
    be one already given. Counts are checked with the stored ones they are compared to
    (adults ≤ members, each readiness count ≤ adults); a point must lie in Vietnam and in
    its commune where the boundary is loaded. Field groups record the import as their
    source only where a value changed."""
    return registry_import_rows(
        actor=actor, registry=HOUSEHOLD, rows=rows, unit=unit, job_id=job_id
    )
