"""/api/v1/announcements and /api/v1/announcements/{id}/reach: scoped for every role
(an outsider's reach is the 404 of a missing announcement), filtered, counted as the
reach table counts."""

from __future__ import annotations

import pytest
from django.test import Client

from langso.accounts.models import User
from langso.accounts.testing import client_for
from langso.messaging.models import Channel, ReceiptEvent
from langso.messaging.services.outbox import receipt_record
from langso.registry.testing import RegistryTree, RegistryUsers, make_household

from ...models import Announcement, Category
from ...testing import announcement_message, sent_announcement_make
from ..reach_world import ReachWorld, query_counts


@pytest.fixture
def world(tree: RegistryTree, users: RegistryUsers) -> ReachWorld:
    return ReachWorld.make(tree, users)


@pytest.fixture
def of_b(tree: RegistryTree, users: RegistryUsers) -> Announcement:
    """Commune B's own tax notice to a household of B1."""
    return sent_announcement_make(
        unit=tree.b,
        sender=users.officer_b,
        households={make_household(village=tree.b1): [Channel.SMS]},
        title="Hạn nộp thuế",
        category=Category.TAX,
    )


def _titles(user: User, query: str = "") -> list[str]:
    body = client_for(user).get(f"/api/v1/announcements{query}").json()
    return [row["title"] for row in body["results"]]


@pytest.mark.parametrize(
    ("name", "seen"),
    [
        ("central_admin", {"a", "b"}),
        ("province_officer", {"a", "b"}),
        ("officer_a", {"a"}),
        ("officer_b", {"b"}),
        ("village_head_a1", {"a"}),
        ("digital_team_a", {"a"}),
        ("nobody", set()),
    ],
)
def test_the_list_is_scoped(
    world: ReachWorld, of_b: Announcement, users: RegistryUsers, name: str, seen: set[str]
) -> None:
    """Each role lists the announcements its units sent or that reached its villages."""
    titles = {"a": world.announcement.title, "b": of_b.title}
    assert set(_titles(users.of(name))) == {titles[key] for key in seen}


def test_the_list_filters(
    world: ReachWorld, of_b: Announcement, tree: RegistryTree, users: RegistryUsers
) -> None:
    """By unit (sent by it or reaching it), category, status and creation day; a unit
    outside scope is the 404 of a missing one."""
    officer = users.province_officer
    assert _titles(officer, f"?unit={tree.b1.code}") == ["Hạn nộp thuế"]
    assert _titles(officer, f"?unit={tree.a.code}") == [world.announcement.title]
    assert _titles(officer, "?category=tax") == ["Hạn nộp thuế"]
    assert _titles(officer, "?status=draft") == []
    assert _titles(officer, "?since=2000-01-01") == ["Hạn nộp thuế", world.announcement.title]
    assert _titles(officer, "?since=2999-01-01") == []
    refused = client_for(users.officer_a).get(f"/api/v1/announcements?unit={tree.b.code}")
    assert refused.status_code == 404
    one = client_for(officer).get("/api/v1/announcements?limit=1").json()
    assert len(one["results"]) == 1
    rest = client_for(officer).get(f"/api/v1/announcements?limit=1&after={one['next']}").json()
    assert [r["title"] for r in rest["results"]] == [world.announcement.title]
    assert rest["next"] is None


def test_the_reach_counts_per_village_and_in_total(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    message = announcement_message(world.announcement, world.inapp, Channel.INAPP)
    receipt_record(message=message, event=ReceiptEvent.READ)
    response = client_for(users.officer_a).get(
        f"/api/v1/announcements/{world.announcement.pk}/reach"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["whole_audience"] is True
    assert body["total"] == {
        "households": 8,
        "reached": 1,
        "share": 12.5,
        "no_channel": 2,
        "failed": 1,
    }
    assert [(v["unit"], v["households"], v["reached"]) for v in body["villages"]] == [
        (tree.a1.code, 5, 1),
        (tree.a2.code, 3, 0),
    ]
    assert [(c["unit"], c["share"]) for c in body["communes"]] == [(tree.a.code, 12.5)]
    assert body["announcement"]["category_label"] == "Lịch họp"


def test_the_reach_is_scoped(world: ReachWorld, tree: RegistryTree, users: RegistryUsers) -> None:
    """The village head counts A1 only; outsiders get the 404 of a missing one."""
    url = f"/api/v1/announcements/{world.announcement.pk}/reach"
    head = client_for(users.village_head_a1).get(url).json()
    assert head["whole_audience"] is False
    assert [v["unit"] for v in head["villages"]] == [tree.a1.code]
    assert head["total"]["households"] == 5
    for outsider in (users.officer_b, users.nobody):
        assert client_for(outsider).get(url).status_code == 404
    missing = client_for(users.officer_b).get("/api/v1/announcements/999999/reach")
    assert missing.status_code == 404
    assert missing.json() == client_for(users.officer_b).get(url).json()
    assert Client().get(url).status_code == 401


def test_the_routes_cost_the_same_queries_with_more_announcements_and_villages(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    """The list and the reach read a fixed number of queries however many announcements
    and villages there are."""
    client = client_for(users.province_officer)

    def cost(pk: int) -> list[int]:
        return query_counts(client, ["/api/v1/announcements", f"/api/v1/announcements/{pk}/reach"])

    budget = cost(world.announcement.pk)
    households = {
        make_household(village=village): [Channel.SMS]
        for village in (tree.a1, tree.a2, tree.b1, tree.b2)
    }
    for _ in range(3):
        bigger = sent_announcement_make(
            unit=tree.province, sender=users.province_officer, households=households
        )
    assert cost(bigger.pk) == budget
