"""What training counts for the indicators. Residents trained are activity events at
their village, on the session's last day, by the number of residents (taken back by a
negative amount). The share of managing officers trained is computed from attendance
over the period asked: a person counts once, over the officers holding the role, which
monthly event counts could not carry."""

from __future__ import annotations

from langso.core.events import ActivityCounted, activity_kind, activity_share, publish

from .models import ResidentAttendance
from .selectors.training import officers_trained_figures, residents_trained_totals

RESIDENTS_TRAINED = activity_kind(
    "residents_trained",
    "Người dân được tổ công nghệ số cộng đồng tập huấn",
    recount=residents_trained_totals,
)
OFFICERS_TRAINED = activity_share(
    "officers_trained",
    "Cán bộ quản lý được tập huấn",
    figures=officers_trained_figures,
)


def residents_trained_counted(record: ResidentAttendance, *, amount: int) -> None:
    """Publish `amount` residents trained (negative: taken back) at the record's village."""
    if not amount:
        return
    village = record.village
    # A village carries its commune and province (`resident_attendance_set` checks it is one).
    province_id, commune_id = village.province_id or 0, village.commune_id or 0
    publish(
        ActivityCounted(
            kind=RESIDENTS_TRAINED,
            province_id=province_id,
            commune_id=commune_id,
            unit_id=village.pk,
            day=record.session.ends_on,
            amount=amount,
        )
    )
