"""Activity counts: each `ActivityCounted` event adds its amount to its unit's month, in
the publisher's transaction, by one upsert that concurrent publishers cannot lose."""

from __future__ import annotations

from django.db import connection

from langso.core.events import ActivityCounted

from ..models import ActivityCount


def activity_counted(event: ActivityCounted) -> None:
    table = connection.ops.quote_name(ActivityCount._meta.db_table)
    # The table name comes from the model; every value is a parameter.
    sql = (
        f"INSERT INTO {table} (unit_id, province_id, commune_id, kind, month, value) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (unit_id, kind, month) "
        f"DO UPDATE SET value = {table}.value + excluded.value"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                event.unit_id,
                event.province_id,
                event.commune_id,
                event.kind,
                event.day.replace(day=1),
                event.amount,
            ],
        )
