"""Points on the map: rural tourism sites, public wifi points and security cameras."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langso.core.actors import Actor

from ..models import PublicWifiPoint, SecurityCamera, TourismSite
from ..specs import CAMERA, TOURISM_SITE, WIFI_POINT
from .placed import registry_create


def site_create(*, actor: Actor, values: Mapping[str, Any]) -> TourismSite:
    return registry_create(spec=TOURISM_SITE, actor=actor, values=values)


def wifi_point_create(*, actor: Actor, values: Mapping[str, Any]) -> PublicWifiPoint:
    return registry_create(spec=WIFI_POINT, actor=actor, values=values)


def camera_create(*, actor: Actor, values: Mapping[str, Any]) -> SecurityCamera:
    return registry_create(spec=CAMERA, actor=actor, values=values)
