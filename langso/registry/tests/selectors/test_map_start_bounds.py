"""Where the map opens: on the user's scope."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from langso.registry import maps
from langso.registry.selectors.maps import map_start_bounds
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db


def _close(found: tuple[float, ...], expected: tuple[float, ...]) -> bool:
    return all(abs(a - b) < 1e-6 for a, b in zip(found, expected, strict=True))


def test_a_commune_officer_opens_on_the_commune(tree: RegistryTree, users: RegistryUsers) -> None:
    """Commune A's boundary is loaded: the map opens on its extent."""
    assert _close(map_start_bounds(user=users.officer_a), (105.90, 20.20, 106.00, 20.30))


def test_a_commune_known_by_its_centroid_opens_around_it(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Commune B has only a centroid: the map opens on a small area around it."""
    assert _close(map_start_bounds(user=users.officer_b), (106.04, 20.24, 106.06, 20.26))


def test_a_province_officer_opens_on_every_commune(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """The province has no geometry of its own: its communes' extent is used."""
    assert _close(map_start_bounds(user=users.province_officer), (105.90, 20.20, 106.05, 20.30))


@pytest.mark.parametrize("who", ["central_admin", "nobody"])
def test_nationwide_or_placeless_scopes_open_on_vietnam(
    tree: RegistryTree, users: RegistryUsers, who: str
) -> None:
    assert map_start_bounds(user=users.of(who)) == maps.VIETNAM_BOUNDS
    assert map_start_bounds(user=AnonymousUser()) == maps.VIETNAM_BOUNDS
