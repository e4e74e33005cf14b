"""The map page: signed-in users only, opening on their scope, one layer per registry."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries, Settings

from langso.registry import maps
from langso.registry.testing import RegistryTree, RegistryUsers
from langso.registry.tests.maps_testing import map_config, place_rows

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("registry:map"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_page_opens_on_the_commune_with_every_layer(
    client: Client, tree: RegistryTree, users: RegistryUsers, settings: Settings
) -> None:
    """A commune officer's map opens on the commune; every registry has a toggle; the
    tile URL template and the basemap setting reach the script; the nav links here."""
    settings.MAP_BASEMAP_STYLE_URL = "https://tiles.example.vn/style.json"
    client.force_login(users.officer_a)
    response = client.get(reverse("registry:map"))
    assert response.status_code == 200
    config = map_config(response.content)
    assert config["bounds"] == [105.90, 20.20, 106.00, 20.30]
    assert config["basemap"] == "https://tiles.example.vn/style.json"
    assert config["tiles"] == "/so-dang-ky/ban-do/tiles/{layer}/{z}/{x}/{y}.pbf"
    assert [layer["name"] for layer in config["layers"]] == list(maps.LAYERS)
    # Popups link each row to its page by code; the page itself checks the scope.
    details = {layer["name"]: layer["detail"] for layer in config["layers"]}
    assert details["households"] == "/so-dang-ky/ho/{code}/"
    assert all("{code}" in url for url in details.values()), details
    html = response.content.decode()
    for name in [*maps.LAYERS, "units"]:
        assert f'data-layer="{name}"' in html
    assert 'href="/so-dang-ky/ban-do/"' in html
    assert "vendor/maplibre-gl/maplibre-gl.js" in html


def test_the_page_costs_the_same_whatever_the_rows(
    client: Client,
    tree: RegistryTree,
    users: RegistryUsers,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """The page reads no registry row: its queries do not grow with them."""
    client.force_login(users.officer_a)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("registry:map"))
    place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1, households=10)
    with django_assert_num_queries(len(captured)):
        client.get(reverse("registry:map"))
