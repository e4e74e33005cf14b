"""/api/v1/units: administrative units, their history and lineage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view
from ninja.security import django_auth

from langso.core.errors import DomainError
from langso.core.schemas import JobOut
from langso.core.tabular import MAX_FILE_BYTES, upload_check
from langso.core.uploads import upload_size_limit

from . import selectors
from .models import AdminUnit, Level, UnitLineage
from .services import units, villages
from .services.access import village_manage_check
from .tasks import village_import_rows_enqueue

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    level: str
    kind: str
    kind_label: str
    name: str
    short_name: str
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    centroid: list[float] | None = Field(None, description="[kinh độ, vĩ độ] / [lon, lat]")
    area_km2: Decimal | None
    region: str
    commune_group: str

    @staticmethod
    def from_unit(unit: AdminUnit) -> UnitOut:
        return UnitOut(
            code=unit.code,
            level=unit.level,
            kind=unit.kind,
            kind_label=str(unit.get_kind_display()),
            name=unit.name,
            short_name=unit.short_name,
            parent_code=unit.parent.code if unit.parent else None,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
            centroid=[round(unit.centroid.x, 6), round(unit.centroid.y, 6)]
            if unit.centroid
            else None,
            area_km2=unit.area_km2,
            region=unit.region,
            commune_group=unit.commune_group,
        )


class UnitListOut(Schema):
    count: int
    next: str | None = Field(None, description="Giá trị `after` của trang sau / next page cursor")
    results: list[UnitOut]


class LineageOut(Schema):
    unit: UnitOut
    kind: str = Field(description="whole: nhập toàn bộ; part: một phần (xã bị chia)")
    is_default: bool
    share: Decimal | None


class UnitDetailOut(UnitOut):
    ancestors: list[UnitOut]
    predecessors: list[LineageOut]
    successors: list[LineageOut]


class UnitListFilters(Schema):
    level: Level | None = None
    parent: str | None = Field(None, description="Mã đơn vị cha / parent unit code")
    q: str = Field("", max_length=100, description="Tìm theo tên, không dấu cũng được")
    valid_on: dt.date | None = Field(None, description="Ngày hiệu lực (YYYY-MM-DD)")
    limit: Annotated[int, Field(ge=1, le=1000)] = 100
    after: str | None = Field(None, pattern=r"^[^:]+:\d+$", description="Con trỏ trang")


def _lineage_out(rows: list[tuple[AdminUnit, UnitLineage]]) -> list[LineageOut]:
    return [
        LineageOut(
            unit=UnitOut.from_unit(unit),
            kind=link.kind,
            is_default=link.is_default,
            share=link.share,
        )
        for unit, link in rows
    ]


@router.get("/units", response=UnitListOut, summary="Danh sách đơn vị hành chính")
def unit_list(request: HttpRequest, filters: Query[UnitListFilters]) -> UnitListOut:
    parent = None
    if filters.parent:
        try:
            parent = selectors.unit_get(code=filters.parent, valid_on=filters.valid_on)
        except DomainError as exc:
            raise DomainError(f"Tham số không hợp lệ: parent — {exc.message}") from exc
    after = None
    if filters.after:
        code, pk = filters.after.rsplit(":", 1)
        after = (code, int(pk))
    page = selectors.unit_page(
        filters=selectors.UnitFilters(
            level=filters.level, parent=parent, q=filters.q, valid_on=filters.valid_on
        ),
        after=after,
        limit=filters.limit,
    )
    return UnitListOut(
        count=page.count,
        next=f"{page.next_after[0]}:{page.next_after[1]}" if page.next_after else None,
        results=[UnitOut.from_unit(unit) for unit in page.units],
    )


@router.get(
    "/units/{code}",
    response=UnitDetailOut,
    summary="Một đơn vị hành chính, với đơn vị trước và sau sáp nhập",
)
def unit_detail(request: HttpRequest, code: str, valid_on: dt.date | None = None) -> UnitDetailOut:
    unit = selectors.unit_get(code=code, valid_on=valid_on)
    lineage = selectors.unit_lineage(unit=unit)
    return UnitDetailOut(
        **UnitOut.from_unit(unit).model_dump(),
        ancestors=[UnitOut.from_unit(u) for u in selectors.unit_ancestors(unit=unit)],
        predecessors=_lineage_out(lineage.predecessors),
        successors=_lineage_out(lineage.successors),
    )


# ---------------------------------------------------------------------------------------
# Writes: villages and commune groups, for signed-in officers (session; ninja checks the
# CSRF token). Access is checked by the services, as for the pages.


class VillageIn(Schema):
    code: str = Field(description="Mã thôn do xã đặt, ví dụ 01 hoặc T3 / the commune's own code")
    name: str = Field(description="Tên đầy đủ, ví dụ “Thôn Đông”")
    kind: str = Field(
        description="Thôn, Ấp, Bản, Xóm hoặc Tổ dân phố (or thon, ap, ban, xom, to_dan_pho)"
    )
    lat: float | None = Field(None, description="Vĩ độ / latitude")
    lon: float | None = Field(None, description="Kinh độ / longitude")


class VillagePatch(Schema):
    name: str | None = None
    kind: str | None = None
    lat: float | None = None
    lon: float | None = None


class CommuneGroupIn(Schema):
    group: str = Field(description="NHOM_1, NHOM_2, NHOM_3, hoặc rỗng để bỏ xếp nhóm")


@router.post(
    "/communes/{code}/villages",
    auth=django_auth,
    response={201: UnitOut},
    summary="Thêm thôn vào xã",
)
def village_create(request: HttpRequest, code: str, payload: VillageIn) -> Status[UnitOut]:
    village = villages.village_create(
        actor=request.user,
        commune=selectors.unit_get(code=code),
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        lat=payload.lat,
        lon=payload.lon,
    )
    return Status(201, UnitOut.from_unit(village))


@router.patch("/units/{code}", auth=django_auth, response=UnitOut, summary="Sửa thôn")
def village_update(request: HttpRequest, code: str, payload: VillagePatch) -> UnitOut:
    """Only villages can be changed here; fields left out keep their values, and
    `"lat": null, "lon": null` clears the point."""
    village = selectors.unit_get(code=code)
    if village.level != Level.VILLAGE:
        raise DomainError("Chỉ sửa được thôn qua địa chỉ này.")
    given = payload.model_dump(exclude_unset=True)
    point = village.centroid
    lat = given.get("lat", point.y if point else None)
    lon = given.get("lon", point.x if point else None)
    village = villages.village_update(
        actor=request.user,
        village=village,
        name=village.name if given.get("name") is None else given["name"],
        kind=village.kind if given.get("kind") is None else given["kind"],
        lat=lat,
        lon=lon,
    )
    return UnitOut.from_unit(village)


@router.post(
    "/communes/{code}/villages/import",
    auth=django_auth,
    response={202: JobOut},
    summary="Nhập thôn của xã từ tệp CSV/XLSX (công việc nền)",
)
@decorate_view(upload_size_limit(MAX_FILE_BYTES, json=True))
def village_import(request: HttpRequest, code: str, file: File[UploadedFile]) -> Status[JobOut]:
    """Columns “Mã thôn”, “Tên thôn”, “Loại”, optional “Vĩ độ”, “Kinh độ”. The file is
    imported by a background job: 202 with the job, whose `url` tells how it went. A
    file with any bad row fails the job with every error listed, and nothing is written."""
    commune = selectors.unit_get(code=code)
    village_manage_check(actor=request.user, commune=commune)
    upload_check(file)
    job = village_import_rows_enqueue(actor=request.user, commune=commune, upload=file)
    return Status(202, JobOut.from_job(job))


@router.put("/communes/{code}/group", auth=django_auth, response=UnitOut, summary="Xếp nhóm xã")
def commune_group_set(request: HttpRequest, code: str, payload: CommuneGroupIn) -> UnitOut:
    commune = units.commune_group_set(
        actor=request.user, commune=selectors.unit_get(code=code), group=payload.group.strip()
    )
    return UnitOut.from_unit(commune)
