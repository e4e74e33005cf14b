"""/api/v1/digital-teams: the community digital teams in the caller's scope, with their
progress per assigned village (households visited out of those living there)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.security import django_auth

from . import selectors

router = Router(tags=["surveys"], auth=django_auth)


class VillageProgressOut(Schema):
    code: str
    name: str
    households: int
    visited: int
    percent: float | None
    last_visit: dt.date | None


class TeamProgressOut(Schema):
    id: int
    name: str
    commune: str
    village: str
    members: int
    households: int
    visited: int
    percent: float | None
    last_visit: dt.date | None
    villages: list[VillageProgressOut]


class TeamFilters(Schema):
    since: dt.date | None = None


@router.get("/digital-teams", response=list[TeamProgressOut])
def digital_teams(request: HttpRequest, filters: Query[TeamFilters]) -> list[TeamProgressOut]:
    """Progress counts households visited at least once (since `since`, when given)."""
    teams = list(selectors.team_list_for_user(user=request.user)[:1000])
    members = selectors.team_member_counts(teams=teams)
    return [
        TeamProgressOut(
            id=p.team.pk,
            name=p.team.name,
            commune=p.team.commune.code,
            village=p.team.village.code,
            members=members.get(p.team.pk, 0),
            households=p.households,
            visited=p.visited,
            percent=p.percent,
            last_visit=p.last_visit,
            villages=[
                VillageProgressOut(
                    code=v.code,
                    name=v.name,
                    households=v.households,
                    visited=v.visited,
                    percent=v.percent,
                    last_visit=v.last_visit,
                )
                for v in p.villages
            ],
        )
        for p in selectors.team_progress(teams=teams, since=filters.since)
    ]
