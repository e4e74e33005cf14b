"""/api/v1/households: households in the caller's scope, as JSON or GeoJSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.gis.geos import Point
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from langso.core.errors import DomainError
from langso.core.schemas import InvalidOut
from langso.places.models import AdminUnit, Level

from ..models import FIELD_GROUPS, Broadband, Household, HouseholdStatus, MobileCoverage
from ..selectors.households import (
    GAPS,
    VISIT_FILTERS,
    HouseholdFilterInvalid,
    HouseholdFilters,
    household_get_for_user,
    household_list_for_user,
    household_unit_get,
)
from ..services.households import (
    HouseholdInvalid,
    household_create,
    household_manage_check,
    household_update,
)

router = Router(tags=["households"], auth=django_auth)


class FreshnessOut(Schema):
    updated_at: dt.datetime | None
    source: str


class HouseholdOut(Schema):
    address_code: str
    address_code_kind: str
    province: str = Field(description="Mã tỉnh / province code")
    commune: str = Field(description="Mã xã / commune code")
    village: str | None = Field(description="Mã thôn / village code")
    house_number: str
    street: str
    head_name: str
    head_phone: str
    members: int | None
    adults: int | None
    adults_smartphone: int | None
    adults_epayment: int | None
    adults_vneid: int | None
    adults_public_service: int | None
    broadband: str
    mobile_coverage: str
    has_tv: bool | None
    has_radio: bool | None
    status: str
    merged_into: str | None
    location: list[float] | None = Field(description="[kinh độ, vĩ độ] / [lon, lat]")
    freshness: dict[str, FreshnessOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class HouseholdListOut(Schema):
    next: int | None = Field(None, description="Giá trị `after` của trang sau / next cursor")
    results: list[HouseholdOut]


class HouseholdQuery(Schema):
    unit: str = Field("", max_length=32, description="Mã tỉnh, xã hoặc thôn trong phạm vi")
    status: HouseholdStatus | None = None
    gap: str = Field("", description="Thiếu hụt: " + ", ".join(GAPS))
    broadband: Broadband | None = None
    mobile_coverage: MobileCoverage | None = None
    unknown: bool = Field(False, description="Chỉ hộ còn số liệu chưa biết")
    duplicates: bool = Field(False, description="Chỉ hộ có cảnh báo trùng lặp")
    q: str = Field("", max_length=100, description="Tên chủ hộ, mã địa chỉ, số nhà, đường")
    # The household list page's visit filters, for a team's own tools.
    visit: str = Field("", description="Khảo sát: " + ", ".join(VISIT_FILTERS))
    visited_before: dt.date | None = Field(
        None,
        description="Lần khảo sát gần nhất trước ngày (YYYY-MM-DD); gồm cả hộ chưa khảo sát",
    )
    after: int | None = Field(None, ge=1, description="Con trỏ trang / page cursor")
    limit: int = Field(50, ge=1, le=500)
    format: str = Field("json", pattern="^(json|geojson)$")


class _HouseholdValues(Schema):
    address_code: str | None = Field(None, description="Mã địa chỉ số quốc gia, nếu có")
    house_number: str | None = None
    street: str | None = None
    head_name: str | None = None
    head_phone: str | None = None
    members: int | None = None
    adults: int | None = None
    adults_smartphone: int | None = None
    adults_epayment: int | None = None
    adults_vneid: int | None = None
    adults_public_service: int | None = None
    broadband: str | None = Field(None, description="fibre, other, none")
    mobile_coverage: str | None = Field(None, description="5g, 4g, 3g, none")
    has_tv: bool | None = None
    has_radio: bool | None = None
    lat: float | None = Field(None, description="Vĩ độ / latitude")
    lon: float | None = Field(None, description="Kinh độ / longitude")


class HouseholdIn(_HouseholdValues):
    village: str = Field(description="Mã thôn (hoặc mã xã chưa có danh sách thôn)")


class HouseholdPatch(_HouseholdValues):
    village: str | None = Field(None, description="Mã thôn mới, để chuyển hộ")


def _location(household: Household) -> list[float] | None:
    point = household.location
    return [round(point.x, 7), round(point.y, 7)] if point else None


def household_out(household: Household) -> HouseholdOut:
    return HouseholdOut(
        address_code=household.address_code,
        address_code_kind=household.address_code_kind,
        province=household.province.code,
        commune=household.commune.code,
        village=household.village.code if household.village else None,
        house_number=household.house_number,
        street=household.street,
        head_name=household.head_name,
        head_phone=household.head_phone,
        members=household.members,
        adults=household.adults,
        adults_smartphone=household.adults_smartphone,
        adults_epayment=household.adults_epayment,
        adults_vneid=household.adults_vneid,
        adults_public_service=household.adults_public_service,
        broadband=household.broadband,
        mobile_coverage=household.mobile_coverage,
        has_tv=household.has_tv,
        has_radio=household.has_radio,
        status=household.status,
        merged_into=household.merged_into.address_code if household.merged_into else None,
        location=_location(household),
        freshness={
            group: FreshnessOut(
                updated_at=getattr(household, f"{group}_updated_at"),
                source=getattr(household, f"{group}_source"),
            )
            for group in FIELD_GROUPS
        },
        created_at=household.created_at,
        updated_at=household.updated_at,
    )


# Personal data (the head's name and phone) never goes into GeoJSON: map layers are
# copied, cached and shared far more than JSON lists.
_NOT_IN_GEOJSON = frozenset({"head_name", "head_phone", "location"})


def _feature(household: Household) -> dict[str, Any]:
    properties = household_out(household).model_dump(mode="json")
    location = properties["location"]
    return {
        "type": "Feature",
        "id": household.address_code,
        "geometry": {"type": "Point", "coordinates": location} if location else None,
        "properties": {k: v for k, v in properties.items() if k not in _NOT_IN_GEOJSON},
    }


def _bad_param(exc: HouseholdFilterInvalid) -> DomainError:
    return DomainError(f"Tham số không hợp lệ: {exc.param} — {exc.message}")


@router.get(
    "/households",
    response=HouseholdListOut,
    summary="Danh sách hộ gia đình trong phạm vi (JSON hoặc GeoJSON)",
)
def household_list(
    request: HttpRequest, query: Query[HouseholdQuery]
) -> HouseholdListOut | HttpResponse:
    """Newest first; `next` is the `after` of the following page. With `format=geojson`, a
    FeatureCollection of points without the head's name and phone."""
    try:
        page = household_list_for_user(
            user=request.user,
            filters=HouseholdFilters.of(query.model_dump()),
            after=query.after,
            limit=query.limit,
        )
    except HouseholdFilterInvalid as exc:
        raise _bad_param(exc) from exc
    if query.format == "geojson":
        return JsonResponse(
            {
                "type": "FeatureCollection",
                "features": [_feature(h) for h in page.rows],
                "next": page.next_after,
            },
            content_type="application/geo+json",
            json_dumps_params={"ensure_ascii": False},
        )
    return HouseholdListOut(next=page.next_after, results=[household_out(h) for h in page.rows])


@router.get("/households/{address_code}", response=HouseholdOut, summary="Một hộ gia đình")
def household_detail(request: HttpRequest, address_code: str) -> HouseholdOut:
    return household_out(household_get_for_user(user=request.user, address_code=address_code))


def _unit(code: str) -> AdminUnit:
    unit = household_unit_get(code=code)
    if unit is None:
        raise HouseholdInvalid(
            {"village": _("Không có thôn hoặc xã mã “%(code)s”.") % {"code": code[:32]}}
        )
    return unit


def _values(payload: _HouseholdValues) -> dict[str, Any]:
    """The service's values from the fields the caller sent: lat and lon together make
    the location (both null clear it)."""
    given = payload.model_dump(exclude_unset=True, exclude={"village"})
    if "lat" in given or "lon" in given:
        lat, lon = given.pop("lat", None), given.pop("lon", None)
        if (lat is None) != (lon is None):
            raise HouseholdInvalid({"location": _("cần cả vĩ độ và kinh độ")})
        given["location"] = None if lat is None else Point(lon, lat, srid=4326)
    return given


def _reread(request: HttpRequest, household: Household) -> Household:
    return household_get_for_user(user=request.user, address_code=household.address_code)


@router.post(
    "/households",
    response={201: HouseholdOut, 400: InvalidOut},
    summary="Thêm hộ gia đình",
)
def household_create_endpoint(request: HttpRequest, payload: HouseholdIn) -> Status[HouseholdOut]:
    """Without `address_code` the commune's next code is given. A refusal lists every bad
    field (400, `config/api.py`) and nothing is written."""
    unit = _unit(payload.village)
    household = household_create(
        actor=request.user,
        village=unit if unit.level == Level.VILLAGE else None,
        commune=unit if unit.level == Level.COMMUNE else None,
        values=_values(payload),
    )
    return Status(201, household_out(_reread(request, household)))


@router.patch(
    "/households/{address_code}",
    response={200: HouseholdOut, 400: InvalidOut},
    summary="Sửa hộ gia đình",
)
def household_update_endpoint(
    request: HttpRequest, address_code: str, payload: HouseholdPatch
) -> HouseholdOut:
    """Fields left out keep their values; `"lat": null, "lon": null` clears the point."""
    household = household_get_for_user(user=request.user, address_code=address_code)
    household_manage_check(actor=request.user, household=household)
    values = _values(payload)
    if payload.village is not None:
        values["village"] = _unit(payload.village)
    household = household_update(actor=request.user, household=household, values=values)
    return household_out(_reread(request, household))
