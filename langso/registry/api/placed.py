"""/api/v1 for the placed registries (see `specs`): /cooperatives, /products, /vessels,
/farms, /tourism-sites, /wifi-points, /cameras — GET and POST, and GET and PATCH on
/<registry>/{key}. Rows are those in the caller's scope; `format=geojson` gives a
GeoJSON FeatureCollection (or Feature).

The schemas are built from each spec and its model fields, so that a new field appears
in the form, the page and the API at once.
"""

# No `from __future__ import annotations`: ninja reads the endpoints' annotations, which
# name schemas built at run time inside `registry_router`.

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.contrib.gis.geos import Point
from django.db import models
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import create_model

from langso.core.errors import DomainError, NotFound
from langso.core.schemas import InvalidOut
from langso.places import selectors as place_selectors
from langso.places.models import AdminUnit

from ..models import Photo, Placed
from ..selectors.economy import photos_by_subject
from ..selectors.placed import (
    MAX_PAGE,
    BadFilter,
    RegistryFilters,
    registry_get_for_user,
    registry_page_for_user,
)
from ..services.placed import RegistryInvalid, registry_create, registry_update
from ..specs import SPECS, RegistrySpec, model_field

Spec = RegistrySpec[Any]


class PhotoOut(Schema):
    url: str
    caption: str


def _python_type(found: models.Field[Any, Any]) -> Any:
    if isinstance(found, models.BooleanField):
        return bool
    if isinstance(found, models.DecimalField):
        return Decimal
    if isinstance(found, models.IntegerField):
        return int
    if isinstance(found, models.DateField):
        return dt.date
    return str


def _description(spec: Spec, name: str) -> str:
    found = model_field(spec.model, name)
    text = str(found.verbose_name)
    if found.flatchoices:
        text += ": " + ", ".join(str(value) for value, _label in found.flatchoices)
    return text


def _in_schema(spec: Spec) -> type[Schema]:
    """One schema for POST and PATCH: everything optional at this level (the service
    names what is missing); PATCH uses only the fields sent."""
    fields: dict[str, Any] = {
        spec.key: (
            str | None,
            Field(None, description=f"{spec.label(spec.key)}, ví dụ {spec.key_example}"),
        ),
        "unit": (
            str | None,
            Field(None, max_length=32, description="Mã thôn hoặc xã / village or commune code"),
        ),
        "lat": (float | None, Field(None, ge=-90, le=90, description="Vĩ độ / latitude")),
        "lon": (float | None, Field(None, ge=-180, le=180, description="Kinh độ / longitude")),
    }
    for name in spec.fields:
        if name in spec.refs:
            fields[name] = (str | None, Field(None, description=f"Mã {spec.label(name)}"))
        else:
            python = _python_type(model_field(spec.model, name))
            fields[name] = (python | None, Field(None, description=_description(spec, name)))
    return create_model(f"{spec.model.__name__}In", __base__=Schema, **fields)


def _out_schema(spec: Spec) -> type[Schema]:
    fields: dict[str, Any] = {spec.key: (str, ...)}
    for name in spec.fields:
        if name in spec.refs:
            fields[name] = (str | None, None)
        else:
            found = model_field(spec.model, name)
            # Numbers as JSON numbers, not strings: every decimal here (a price in đồng
            # has at most 14 digits) is exact in a double.
            python = float if isinstance(found, models.DecimalField) else _python_type(found)
            fields[name] = (python | None if found.null else python, ...)
    fields |= {
        "province": (str, Field(description="Mã tỉnh / province code")),
        "commune": (str, Field(description="Mã xã / commune code")),
        "village": (str | None, Field(description="Mã thôn / village code")),
        "location": (list[float] | None, Field(description="[kinh độ, vĩ độ] / [lon, lat]")),
        "created_at": (dt.datetime, ...),
        "updated_at": (dt.datetime, ...),
    }
    if spec.has_photos:
        fields["photos"] = (list[PhotoOut], [])
    return create_model(f"{spec.model.__name__}Out", __base__=Schema, **fields)


def _query_schema(spec: Spec) -> type[Schema]:
    fields: dict[str, Any] = {
        "unit": (str, Field("", max_length=32, description="Mã tỉnh, xã hoặc thôn")),
        "q": (
            str,
            Field(
                "",
                max_length=100,
                description="Tên (không dấu cũng được) hoặc một phần mã"
                if spec.search_source
                else "Một phần mã",
            ),
        ),
        "after": (int | None, Field(None, ge=1, description="Con trỏ trang / page cursor")),
        "limit": (int, Field(100, ge=1, le=MAX_PAGE)),
        "format": (Literal["json", "geojson"], "json"),
    }
    for list_filter in spec.filters:
        allowed = Literal[list_filter.values()]  # type: ignore[valid-type]  # the spec's values, known at start-up
        fields[list_filter.name] = (allowed | None, Field(None, description=str(list_filter.label)))
    return create_model(f"{spec.model.__name__}Query", __base__=Schema, **fields)


# ---------------------------------------------------------------------------------------
# Output


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def row_out(spec: Spec, row: Placed, photos: list[Photo] | None = None) -> dict[str, Any]:
    """A row as JSON: fields, references by their keys, unit codes, [lon, lat]."""
    out: dict[str, Any] = {spec.key: getattr(row, spec.key)}
    for name in spec.fields:
        if name in spec.refs:
            target = getattr(row, name)
            out[name] = getattr(target, spec.refs[name].key) if target is not None else None
        else:
            out[name] = _json_value(getattr(row, name))
    point = row.location
    out |= {
        "province": row.province.code,
        "commune": row.commune.code,
        "village": row.village.code if row.village else None,
        "location": [round(point.x, 7), round(point.y, 7)] if point else None,
        "created_at": _json_value(row.created_at),
        "updated_at": _json_value(row.updated_at),
    }
    if spec.has_photos:
        out["photos"] = [
            {
                "url": reverse(f"registry:{spec.name}-photo", args=[out[spec.key], photo.pk]),
                "caption": photo.caption,
            }
            for photo in photos or []
        ]
    return out


def _feature(spec: Spec, properties: dict[str, Any]) -> dict[str, Any]:
    location = properties.pop("location")
    return {
        "type": "Feature",
        "id": properties[spec.key],
        "geometry": {"type": "Point", "coordinates": location} if location else None,
        "properties": properties,
    }


def _geojson(body: dict[str, Any]) -> JsonResponse:
    return JsonResponse(
        body, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False}
    )


# ---------------------------------------------------------------------------------------
# Input


def _bad_param(param: str, message: str) -> DomainError:
    return DomainError(f"Tham số không hợp lệ: {param} — {message}")


def _unit(spec: Spec, code: str) -> AdminUnit:
    try:
        return place_selectors.unit_get(code=code.strip())
    except NotFound as exc:
        raise RegistryInvalid(
            spec, {"unit": _("Không có thôn hoặc xã mã “%(code)s”.") % {"code": code[:32]}}
        ) from exc


def _values(spec: Spec, payload: Schema) -> dict[str, Any]:
    """The service's values from the fields the caller sent: the unit by its code, and
    lat and lon together make the location (both null clear it)."""
    given = payload.model_dump(exclude_unset=True)
    if "lat" in given or "lon" in given:
        lat, lon = given.pop("lat", None), given.pop("lon", None)
        if (lat is None) != (lon is None):
            raise RegistryInvalid(spec, {"location": _("cần cả vĩ độ và kinh độ")})
        given["location"] = None if lat is None else Point(lon, lat, srid=4326)
    if given.get("unit") is not None:
        given["unit"] = _unit(spec, given["unit"])
    return given


# ---------------------------------------------------------------------------------------
# Endpoints


def registry_router(spec: Spec) -> Router:
    """GET and POST /<api_path>, GET and PATCH /<api_path>/{key} for one registry."""
    router = Router(tags=[spec.api_path], auth=django_auth)
    row_in = _in_schema(spec)
    row_schema = _out_schema(spec)
    query_schema = _query_schema(spec)
    list_schema: type[Schema] = create_model(
        f"{spec.model.__name__}ListOut",
        __base__=Schema,
        next=(int | None, Field(None, description="Giá trị `after` của trang sau")),
        results=(list[row_schema], ...),  # type: ignore[valid-type]  # built above
    )
    plural = spec.verbose_name_plural
    label = spec.verbose_name

    def one(request: HttpRequest, key: str) -> Placed:
        row: Placed = registry_get_for_user(spec=spec, user=request.user, key=key)
        return row

    def out(row: Placed) -> dict[str, Any]:
        photos = photos_by_subject(spec=spec, subjects=[row]).get(row.pk)
        return row_out(spec, row, photos)

    @router.get(
        f"/{spec.api_path}",
        response=list_schema,
        summary=f"Danh sách {plural} trong phạm vi (JSON hoặc GeoJSON)",
        operation_id=f"{spec.name}_list",
        url_name=f"{spec.name}-list",
    )
    def list_rows(request: HttpRequest, query: Query[query_schema]) -> Any:  # type: ignore[valid-type]  # built above
        """Newest first; `next` is the `after` of the following page."""
        params: dict[str, Any] = query.model_dump()  # type: ignore[attr-defined]  # a Schema built above
        unit = None
        if params["unit"]:
            try:
                unit = place_selectors.unit_get(code=params["unit"].strip())
            except NotFound as exc:
                raise _bad_param("unit", exc.message) from exc
        choices = {f.name: params.get(f.name) or "" for f in spec.filters}
        try:
            page = registry_page_for_user(
                spec=spec,
                user=request.user,
                filters=RegistryFilters(unit=unit, q=params["q"], choices=choices),
                after=params["after"],
                limit=params["limit"],
            )
        except BadFilter as exc:  # pragma: no cover - the schema allows only known values
            raise _bad_param(exc.param, exc.message) from exc
        photos = photos_by_subject(spec=spec, subjects=page.rows)
        results = [row_out(spec, row, photos.get(row.pk)) for row in page.rows]
        if params["format"] == "geojson":
            return _geojson(
                {
                    "type": "FeatureCollection",
                    "features": [_feature(spec, properties) for properties in results],
                    "next": page.next_after,
                }
            )
        return {"next": page.next_after, "results": results}

    @router.get(
        f"/{spec.api_path}/{{key}}",
        response=row_schema,
        summary=f"Một {label}",
        operation_id=f"{spec.name}_detail",
        url_name=f"{spec.name}-detail",
    )
    def detail(request: HttpRequest, key: str, format: Literal["json", "geojson"] = "json") -> Any:
        properties = out(one(request, key))
        return _geojson(_feature(spec, properties)) if format == "geojson" else properties

    @router.post(
        f"/{spec.api_path}",
        response={201: row_schema, 400: InvalidOut},
        summary=f"Thêm {label}",
        operation_id=f"{spec.name}_create",
    )
    def create(request: HttpRequest, payload: row_in) -> Any:  # type: ignore[valid-type]  # built above
        """A refusal lists every bad field (400, `config/api.py`) and nothing is written."""
        row = registry_create(spec=spec, actor=request.user, values=_values(spec, payload))
        return Status(201, out(one(request, getattr(row, spec.key))))

    @router.patch(
        f"/{spec.api_path}/{{key}}",
        response={200: row_schema, 400: InvalidOut},
        summary=f"Sửa {label}",
        operation_id=f"{spec.name}_update",
    )
    def update(request: HttpRequest, key: str, payload: row_in) -> Any:  # type: ignore[valid-type]  # built above
        """Fields left out keep their values; `"lat": null, "lon": null` clears the point;
        the key cannot change."""
        row = one(request, key)
        registry_update(spec=spec, actor=request.user, instance=row, changes=_values(spec, payload))
        return out(one(request, key))

    return router


router = Router()
for _spec in SPECS.values():
    router.add_router("", registry_router(_spec))
