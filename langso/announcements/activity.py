"""What announcements count for the indicators: the share of the households of the
audiences of announcements sent in the period (by the month of sending) that were
reached, per village and summed up the tree. It is read from the reach kept per
village (`VillageReach`), so it moves as soon as a delivery report arrives; a
household in two announcements' audiences counts in both, as each was to be told."""

from __future__ import annotations

from langso.core.events import activity_share

from .selectors.reach import households_reached_figures

HOUSEHOLDS_REACHED = activity_share(
    "households_reached_announcements",
    "Hộ gia đình được thông báo của thôn, xã tiếp cận",
    figures=households_reached_figures,
)
