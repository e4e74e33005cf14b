"""Activity the surveys module publishes for the indicators: community digital teams'
visits to households, counted at the household's village (or commune) by the day of
the visit."""

from __future__ import annotations

from langso.core.events import ActivityCounted, activity_kind, publish

from .models import Visit

HOUSEHOLD_VISITS = activity_kind("household_visits", "Lượt tổ công nghệ số cộng đồng đến hộ")
DIGITAL_HELP_VISITS = activity_kind(
    "digital_help_visits", "Lượt tổ công nghệ số cộng đồng hướng dẫn kỹ năng số cho hộ"
)


def visit_counted(visit: Visit, *, amount: int) -> None:
    """Publish a visit recorded (1) or taken back (-1)."""
    household = visit.household
    kinds = [HOUSEHOLD_VISITS, *([DIGITAL_HELP_VISITS] if visit.help_given else [])]
    for kind in kinds:
        publish(
            ActivityCounted(
                kind=kind,
                province_id=household.province_id,
                commune_id=household.commune_id,
                unit_id=visit.village_id or household.commune_id,
                day=visit.visited_on,
                amount=amount,
            )
        )
