"""Overlays: what apps above the registry draw on the map without the registry knowing
them. The import-linter layers put `registry` below `criteria` and `recognition`, so the
map cannot import their reads; instead an app declares a `MapOverlay` and registers it
from its `AppConfig.ready()`, as it subscribes to domain events there.

An overlay names a GeoJSON endpoint of its own app (a route name, reversed when the map
page is drawn) that takes `bbox=minLon,minLat,maxLon,maxLat` and answers a
FeatureCollection within the caller's scope; the endpoint enforces the scope, the map
only decides whether to offer the toggle (`shown_to`). Each feature carries a `state`
property, one of the legend's values, which colours it; the popup lists the properties
named in `properties`, already formatted for the reader (Vietnamese, dd/mm/yyyy).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise

from langso.core.actors import Actor

from .layers import LAYERS, UNITS
from .vector_tiles import APPROX_LAYER


def _signed_in(user: Actor) -> bool:
    return bool(user.is_authenticated)


def _everyone(user: Actor) -> bool:
    return True


@dataclass(frozen=True)
class LegendEntry:
    """One colour of an overlay: features whose `state` is `value`. An entry only some
    users can meet (a flag only a province's roles are shown) names them in `shown_to`."""

    value: str
    label: str | Promise
    color: str
    shown_to: Callable[[Actor], bool] = _everyone


@dataclass(frozen=True)
class MapOverlay:
    """A layer an app above the registry contributes to the map page."""

    name: str
    title: str | Promise
    # The route (namespaced, "app:name") of the GeoJSON endpoint, taking `bbox`.
    url_name: str
    legend: tuple[LegendEntry, ...]
    # Popup: each property's label, in the order shown.
    properties: Mapping[str, str | Promise] = field(default_factory=dict)
    # The property holding the popup's heading (a unit's name, …).
    heading: str = "name"
    # Whether the map offers the overlay's toggle to `user`; its endpoint still checks
    # the scope of every feature.
    shown_to: Callable[[Actor], bool] = _signed_in

    def legend_for(self, user: Actor) -> list[LegendEntry]:
        return [entry for entry in self.legend if entry.shown_to(user)]


# Each overlay, by name, registered by the app that serves it.
OVERLAYS: dict[str, MapOverlay] = {}


def map_overlay_register(overlay: MapOverlay) -> None:
    """Add `overlay` to the map; call from AppConfig.ready(). Registering the same overlay
    again is a no-op; another under a name already used (by an overlay or by one of the
    registry's own layers, whose names are the map's sources too) is refused."""
    existing = OVERLAYS.get(overlay.name)
    if existing == overlay:
        return
    if existing is not None or overlay.name in {*LAYERS, UNITS.name, APPROX_LAYER}:
        raise ValueError(f"map overlay name already used: {overlay.name}")
    OVERLAYS[overlay.name] = overlay


def map_overlay_unregister(name: str) -> None:
    """Remove an overlay `map_overlay_register` added (a test's own, when it ends)."""
    OVERLAYS.pop(name, None)


def map_overlays_for(user: Actor) -> list[MapOverlay]:
    """The overlays offered to `user`, in the order they were registered."""
    return [overlay for overlay in OVERLAYS.values() if overlay.shown_to(user)]
