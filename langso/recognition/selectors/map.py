"""The recognitions on the map: the units in the user's scope recognised as meeting a
set, drawn where the units layer draws them (boundary, approximate cell or centre),
coloured by state, with the decision for the popup. The map's overlay is declared in
`recognition.map_overlay` and registered in `AppConfig.ready()`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide, role_list_for_user
from langso.core.actors import Actor
from langso.criteria.models import Recognition
from langso.criteria.selectors.recognitions import set_names
from langso.places.models import AdminUnit, Level
from langso.registry.maps import GEOJSON_ROW_CAP, BBox, unit_has_place, unit_places

from ..map_overlay import AT_RISK, OVERLAY_NAME, RECOGNISED, REVOKED, state_labels
from .recognitions import recognitions_at_risk, recognitions_for_user


def sees_at_risk(*, user: Actor) -> bool:
    """Whether `user` is shown the at-risk flag: the province's roles (and nationwide
    ones), who watch it and may open a revocation case; a commune's are not."""
    if is_nationwide(user=user, permission=Permission.VIEW_SCOPED):
        return True
    return any(
        a.unit is not None and a.unit.level == Level.PROVINCE for a in role_list_for_user(user=user)
    )


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def recognition_map_features(*, user: Actor, bbox: BBox | None) -> dict[str, Any]:
    """The recognitions of units in `user`'s scope that have a place in `bbox`, as a
    GeoJSON FeatureCollection: for each unit and set, the latest year's recognition,
    with its state (recognised, at risk — for the province's roles only, measured
    against this year — or revoked), set name, year, decision and revocation.
    Queries: the recognitions, the units' places, one per province for the set names,
    and the at-risk evaluation per province for the province's roles."""
    found = list(
        recognitions_for_user(user=user)
        .filter(unit__in=AdminUnit.objects.filter(unit_has_place(bbox)).values("pk"))
        .order_by("unit_id", "set_code", "-year", "-pk")
    )
    latest: dict[tuple[int, str], Recognition] = {}
    for recognition in found:
        latest.setdefault((recognition.unit_id, recognition.set_code), recognition)
    shown = sorted(latest.values(), key=lambda r: (r.year, r.unit.code, r.set_code))
    places = unit_places(AdminUnit.objects.filter(pk__in={r.unit_id for r in shown}), bbox=bbox)
    shown = [r for r in shown if r.unit_id in places]
    by_province: dict[int, list[Recognition]] = defaultdict(list)
    for recognition in shown:
        by_province[recognition.province_id].append(recognition)
    names: dict[tuple[int, str], str] = {}
    for recognitions in by_province.values():
        province = recognitions[0].province
        for code, name in set_names(
            codes={r.set_code for r in recognitions}, province=province
        ).items():
            names[province.pk, code] = name
    risky: set[int] = set()
    if sees_at_risk(user=user):
        year = timezone.localdate().year
        for recognitions in by_province.values():
            if any(r.in_force for r in recognitions):
                risky |= {
                    risk.recognition.pk
                    for risk in recognitions_at_risk(province=recognitions[0].province, year=year)
                }
    labels = state_labels()
    features = []
    for recognition in shown[:GEOJSON_ROW_CAP]:
        if not recognition.in_force:
            state = REVOKED
        elif recognition.pk in risky:
            state = AT_RISK
        else:
            state = RECOGNISED
        properties = {
            "layer": OVERLAY_NAME,
            "state": state,
            "state_label": labels[state],
            "name": recognition.unit.name,
            "set": names[recognition.province_id, recognition.set_code],
            "year": recognition.year,
            "decision": _("%(number)s, ngày %(day)s")
            % {"number": recognition.decision_number, "day": _day(recognition.decision_date)},
            "revocation": _("%(number)s, ngày %(day)s")
            % {"number": recognition.revocation_number, "day": _day(recognition.revoked_on)}
            if recognition.revoked_on is not None
            else "",
        }
        features.append(
            {
                "type": "Feature",
                "id": recognition.pk,
                "geometry": places[recognition.unit_id],
                "properties": properties,
            }
        )
    return {
        "type": "FeatureCollection",
        "name": OVERLAY_NAME,
        "truncated": len(shown) > GEOJSON_ROW_CAP,
        "features": features,
    }
