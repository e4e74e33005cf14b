"""Boundaries from GeoJSON, zipped Shapefile or GeoPackage, read through GDAL
(`boundary_files` opens and checks the files)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.gis.gdal import GDALException, OGRGeometry
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.db import statistics_refresh
from langso.core.errors import DomainError, ImportRejected, RowError
from langso.core.models import AuditEntry
from langso.core.services import audit_record, job_progress

from ..boundary_files import boundary_geometry, boundary_source
from ..models import AdminUnit, Level
from .access import boundaries_import_check

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
        boundaries_import_check(actor=actor, units=[unit for unit, _f in matched])
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
    if updated:
        statistics_refresh(AdminUnit)
    return BoundaryImportReport(
        features=len(features),
        updated=len(updated),
        unchanged=unchanged,
        centroids_set=centroids_set,
    )


def _json_point(point: Point | None) -> str | None:
    return None if point is None else f"POINT ({point.x:.6f} {point.y:.6f})"
