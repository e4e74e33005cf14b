"""/api/v1/announcements and /api/v1/announcements/{id}/reach: the announcements within
the caller's scope (filters: unit, category, status, since), newest first by keyset
pages; and the reach of one per village and commune with its totals, over the villages
in the caller's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from .models import Announcement, AnnouncementStatus, Category
from .selectors.reach import (
    AnnouncementFilters,
    ReachCounts,
    UnitReach,
    announcement_get_for_user,
    announcement_page_for_user,
    announcement_reach,
)

router = Router(tags=["announcements"], auth=django_auth)


class AnnouncementQuery(Schema):
    unit: str = Field(
        "", max_length=32, description="Mã đơn vị trong phạm vi: thông báo đơn vị gửi hoặc tới"
    )
    category: Category | None = None
    status: AnnouncementStatus | None = None
    since: dt.date | None = Field(None, description="Tạo từ ngày (YYYY-MM-DD)")
    after: int | None = Field(None, ge=1, description="Con trỏ trang / page cursor")
    limit: int = Field(50, ge=1, le=200)


class AnnouncementOut(Schema):
    id: int
    title: str
    category: str
    category_label: str
    status: str
    status_label: str
    # The sending unit
    unit: str
    unit_name: str
    created_at: dt.datetime
    scheduled_for: dt.datetime | None
    sent_at: dt.datetime | None
    # Active households of the audience when sent
    audience_households: int


class AnnouncementListOut(Schema):
    next: int | None = Field(None, description="Giá trị `after` của trang sau / next cursor")
    results: list[AnnouncementOut]


class CountsOut(Schema):
    households: int
    reached: int
    # Percent reached, one decimal; null without households
    share: float | None
    no_channel: int
    failed: int


class UnitReachOut(CountsOut):
    unit: str
    unit_name: str


class ReachOut(Schema):
    announcement: AnnouncementOut
    # False: only the villages within the caller's scope are counted
    whole_audience: bool
    total: CountsOut
    communes: list[UnitReachOut]
    villages: list[UnitReachOut]


def _announcement(found: Announcement) -> AnnouncementOut:
    return AnnouncementOut(
        id=found.pk,
        title=found.title,
        category=found.category,
        category_label=found.get_category_display(),
        status=found.status,
        status_label=found.get_status_display(),
        unit=found.unit.code,
        unit_name=found.unit.name,
        created_at=found.created_at,
        scheduled_for=found.scheduled_for,
        sent_at=found.sent_at,
        audience_households=found.audience_households,
    )


def _counts(counts: ReachCounts) -> dict[str, Any]:
    share = counts.share
    return {
        "households": counts.households,
        "reached": counts.reached,
        "share": None if share is None else float(share),
        "no_channel": counts.no_channel,
        "failed": counts.failed,
    }


def _unit(row: UnitReach) -> UnitReachOut:
    return UnitReachOut(unit=row.code, unit_name=row.name, **_counts(row.counts))


@router.get(
    "/announcements",
    response=AnnouncementListOut,
    summary="Thông báo trong phạm vi / announcements within the caller's scope",
)
def announcements(request: HttpRequest, query: Query[AnnouncementQuery]) -> Any:
    page = announcement_page_for_user(
        user=request.user,
        filters=AnnouncementFilters(
            unit=query.unit,
            category=query.category or "",
            status=query.status or "",
            since=query.since,
        ),
        after=query.after,
        limit=query.limit,
    )
    return AnnouncementListOut(
        next=page.next_after, results=[_announcement(found) for found in page.rows]
    )


@router.get(
    "/announcements/{announcement_id}/reach",
    response=ReachOut,
    summary="Mức độ tiếp cận theo thôn, xã và tổng / reach per village, commune and in total",
)
def announcement_reach_get(request: HttpRequest, announcement_id: int) -> Any:
    found = announcement_get_for_user(user=request.user, pk=announcement_id)
    reach = announcement_reach(user=request.user, announcement=found)
    return ReachOut(
        announcement=_announcement(found),
        whole_audience=reach.whole,
        total=CountsOut(**_counts(reach.total)),
        communes=[_unit(row) for row in reach.communes],
        villages=[_unit(row) for row in reach.villages],
    )
