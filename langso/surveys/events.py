"""Activity the surveys module publishes for the indicators: community digital teams'
visits to households, counted at the visit's village (or the household's commune, where
the commune has no villages) by the day of the visit."""

from __future__ import annotations

from functools import partial

from langso.core.events import ActivityCounted, activity_kind, publish

from .models import Visit
from .selectors import visit_activity_totals

HOUSEHOLD_VISITS = activity_kind(
    "household_visits",
    "Lượt tổ công nghệ số cộng đồng đến hộ",
    recount=partial(visit_activity_totals, helped_only=False),
)
DIGITAL_HELP_VISITS = activity_kind(
    "digital_help_visits",
    "Lượt tổ công nghệ số cộng đồng hướng dẫn kỹ năng số cho hộ",
    recount=partial(visit_activity_totals, helped_only=True),
)


def visit_counted(visit: Visit, *, amount: int) -> None:
    """Publish a visit recorded (1) or taken back (-1)."""
    household = visit.household
    village = visit.village
    # Where the visit was: its village's commune and province, as the recount reads.
    province_id = (village.province_id if village else None) or household.province_id
    commune_id = (village.commune_id if village else None) or household.commune_id
    kinds = [HOUSEHOLD_VISITS, *([DIGITAL_HELP_VISITS] if visit.help_given else [])]
    for kind in kinds:
        publish(
            ActivityCounted(
                kind=kind,
                province_id=province_id,
                commune_id=commune_id,
                unit_id=visit.village_id or commune_id,
                day=visit.visited_on,
                amount=amount,
            )
        )
