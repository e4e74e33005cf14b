"""Fishing vessels and aquaculture farms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langso.core.actors import Actor

from ..models import AquacultureFarm, FishingVessel
from ..specs import FARM, VESSEL
from .placed import registry_create


def vessel_create(*, actor: Actor, values: Mapping[str, Any]) -> FishingVessel:
    """Add a vessel at its home port's commune. The registration number is required,
    "NA-90123-TS" in form, and stored upper case."""
    return registry_create(spec=VESSEL, actor=actor, values=values)


def farm_create(*, actor: Actor, values: Mapping[str, Any]) -> AquacultureFarm:
    """Add a farm; without a unit it is placed where its household is."""
    return registry_create(spec=FARM, actor=actor, values=values)
