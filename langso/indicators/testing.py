"""Test helpers shared by the apps that read indicators: a reported count that may be
negative, for exports that must keep a negative figure a number."""

from __future__ import annotations

from langso.core.actors import Actor

from .services.definitions import indicator_definition_save

HOUSEHOLD_CHANGE = "household-change"


def household_change_define(*, actor: Actor) -> None:
    """A village-level reported count that may fall below zero: the change in the
    number of households a village counts over a year."""
    indicator_definition_save(
        actor=actor,
        raw={
            "code": HOUSEHOLD_CHANGE,
            "name_vi": "Số hộ tăng (giảm) trong năm",
            "name_en": "Change in the number of households",
            "unit": "count",
            "source": "reported",
            "level": "village",
            "entry": "count",
            "min": -1000,
        },
    )
