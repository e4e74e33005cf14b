"""Activity counts: each `ActivityCounted` event adds its amount to its unit's month, in
the publisher's transaction, by one upsert that concurrent publishers cannot lose."""

from __future__ import annotations

from django.db import connection, transaction

from langso.core.events import ACTIVITY_KINDS, ActivityCounted

from ..models import ActivityCount


def activity_counts_rebuild() -> int:
    """Count every kind of activity again from the records of the module that publishes
    it, replacing what the events built. Returns the rows written. Exact or it fails
    beside publishers: the delete waits for their uncommitted counts and the recount
    then sees their records; a count published after the delete waits for this commit
    and adds to the recounted row, or collides with a new row here and rolls this
    rebuild back."""
    with transaction.atomic():
        ActivityCount.objects.all().delete()
        return len(
            ActivityCount.objects.bulk_create(
                (
                    ActivityCount(
                        province_id=province_id,
                        commune_id=commune_id,
                        unit_id=unit_id,
                        kind=kind,
                        month=month,
                        value=count,
                    )
                    for kind, declared in ACTIVITY_KINDS.items()
                    for province_id, commune_id, unit_id, month, count in declared.recount()
                    if count
                ),
                batch_size=5000,
            )
        )


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
