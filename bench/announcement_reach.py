"""Announcements' reach (issue 18): the reach of a province-wide announcement to
1,000,000 households (BENCH_ANNOUNCEMENT_HOUSEHOLDS), read as the reach page and the
API read it for the province officer — the total, per commune and per village, summed
from the village rows kept as receipts arrive — goal p95 ≤ 200 ms; and what one
delivery report pays to keep the counts (the handler's two UPDATEs, in its
transaction).

Data: synthetic households of Ninh Bình (`registry.synth`); the announcement's rows
are written directly by SQL, as the send path would leave them: one recipient per
household (one in ten without a channel, one in twenty failed, one in three reached),
one reach row per village counted from them."""

from __future__ import annotations

import os
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.accounts.selectors import role_cache_clear
from langso.announcements.models import (
    Announcement,
    AnnouncementStatus,
    Category,
    Recipient,
    VillageReach,
)
from langso.announcements.selectors.reach import announcement_get_for_user, announcement_reach
from langso.core.events import publish
from langso.messaging.events import MessageStatusChanged
from langso.messaging.models import MessageStatus
from langso.places.models import AdminUnit
from langso.registry.models import Household

from .common import measure, percentiles, province_with_households, report, stopwatch

HOUSEHOLDS = int(os.environ.get("BENCH_ANNOUNCEMENT_HOUSEHOLDS", 1_000_000))
PROVINCE = "37"
GOAL = "p95 ≤ 200 ms"
RECEIPTS = 500


def _rows(announcement: Announcement, province: AdminUnit) -> None:
    recipients, reach = Recipient._meta.db_table, VillageReach._meta.db_table
    households, units = Household._meta.db_table, AdminUnit._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {recipients} "  # noqa: S608  # table names from models
            "(announcement_id, household_id, village_id, channel, reached_at, reached_by, failed) "
            "SELECT %s, id, village_id, CASE WHEN id %% 10 = 0 THEN '' ELSE 'sms' END, "
            "CASE WHEN id %% 3 = 0 AND id %% 10 <> 0 THEN %s END, "
            "CASE WHEN id %% 3 = 0 AND id %% 10 <> 0 THEN 'delivered' ELSE '' END, "
            "CASE WHEN id %% 20 = 1 THEN %s ELSE %s END "
            f"FROM {households} WHERE province_id = %s AND village_id IS NOT NULL",
            [announcement.pk, now, True, False, province.pk],
        )
        cursor.execute(
            f"INSERT INTO {reach} "  # noqa: S608  # table names from models
            "(announcement_id, village_id, commune_id, province_id, households, reached, "
            "no_channel, failed) "
            "SELECT r.announcement_id, r.village_id, u.commune_id, u.province_id, COUNT(*), "
            "SUM(CASE WHEN r.reached_at IS NULL THEN 0 ELSE 1 END), "
            "SUM(CASE WHEN r.channel = '' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN r.failed THEN 1 ELSE 0 END) "
            f"FROM {recipients} r JOIN {units} u ON u.id = r.village_id "
            "WHERE r.announcement_id = %s GROUP BY r.announcement_id, r.village_id, "
            "u.commune_id, u.province_id",
            [announcement.pk],
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run() -> None:
    print(f"Announcement reach on {connection.vendor} ({connection.settings_dict['ENGINE']})")
    province = province_with_households(PROVINCE, HOUSEHOLDS)
    officer = User.objects.create_user(username="bench.reach.tinh")
    RoleAssignment.objects.create(user=officer, role=Role.PROVINCE_OFFICER, unit=province)
    announcement = Announcement.objects.create(
        unit=province,
        title="Cảnh báo bão",
        body="Chằng chống nhà cửa.",
        category=Category.DISASTER,
        audience={"units": [province.pk]},
        status=AnnouncementStatus.SENT,
        created_by=officer,
        sent_by=officer,
        sent_at=timezone.now(),
    )
    with stopwatch() as setup:
        _rows(announcement, province)
    recipients = Recipient.objects.filter(announcement=announcement).count()
    villages = VillageReach.objects.filter(announcement=announcement).count()
    print(
        f"  (set-up: {recipients:,} recipients and {villages:,} village rows "
        f"written in {setup[0]:.1f} s)"
    )

    def read() -> int:
        role_cache_clear(user=officer)
        found = announcement_get_for_user(user=officer, pk=announcement.pk)
        return len(announcement_reach(user=officer, announcement=found).villages)

    with CaptureQueriesContext(connection) as queries:
        read()
    report(
        f"reach of {recipients:,} households ({len(queries.captured_queries)} queries)",
        measure(read, repeat=50),
        GOAL,
    )

    pending = list(
        Recipient.objects.filter(announcement=announcement, reached_at__isnull=True)
        .order_by("pk")
        .values_list("household_id", "village_id")[:RECEIPTS]
    )
    samples = []
    for household_id, village_id in pending:
        started = time.perf_counter()
        with transaction.atomic():
            publish(
                MessageStatusChanged(
                    message_id=0,
                    source=f"announcement:{announcement.pk}:household:{household_id}",
                    channel="sms",
                    unit_id=village_id,
                    before=MessageStatus.ACCEPTED,
                    after=MessageStatus.DELIVERED,
                )
            )
        samples.append((time.perf_counter() - started) * 1000)
    report(f"one delivery report counted ({len(samples)} reports)", percentiles(samples))
    total = VillageReach.objects.filter(announcement=announcement).values_list("reached", flat=True)
    print(f"  (reached after the reports: {sum(total):,} of {recipients:,})")
