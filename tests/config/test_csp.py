"""Every page carries a Content-Security-Policy: scripts from our own origin or with the
request's nonce, nothing inline otherwise, MapLibre's workers from blob: URLs, and no
framing. The browser tests (tests/browser) run under it and fail on a violation."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import make_unit_tree
from langso.surveys.services.forms import form_attachment_upload, form_publish
from langso.surveys.tests.forms_testing import markdown_form

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def test_a_page_allows_only_our_own_scripts_and_maplibres_workers(client: Client) -> None:
    response = client.get(reverse("places:unit-list"))

    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert "'self'" in policy["script-src"]
    assert not {"'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", "*"} & set(
        policy["script-src"]
    )
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "blob:" in policy["worker-src"]
    assert "blob:" in policy["child-src"]


def test_the_web_forms_import_map_runs_by_the_nonce_of_its_response(client: Client) -> None:
    """The fill page's one inline script carries the nonce its own header allows, and a
    second response gets another."""
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    commune = tree.communes[0]
    collector = make_user(username="tocongnghe.a")
    make_role(user=collector, role=Role.COMMUNE_OFFICER, unit=commune)
    version = form_publish(actor=collector, name="f.md", data=markdown_form(), unit=commune)
    # A form is offered for filling once every media file it names is there.
    form_attachment_upload(
        actor=collector, attachment=version.attachments.get(), name="nha.png", data=b"PNG"
    )
    client.force_login(collector)
    url = reverse("surveys:web-form-fill", args=[version.form_id])

    nonces = []
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        (allowed,) = re.findall(r"'nonce-([^']+)'", policy)
        # ODK Web Forms compiles WebAssembly: this page may, and still runs no eval.
        script_src = _directives(policy)["script-src"]
        assert "'wasm-unsafe-eval'" in script_src
        assert "'unsafe-eval'" not in script_src
        html = response.content.decode()
        assert f'<script type="importmap" nonce="{allowed}">' in html
        # json_script's data blocks are not run, so the policy leaves them alone.
        inline = re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))", html)
        assert len(inline) == 1
        nonces.append(allowed)
    assert nonces[0] != nonces[1]


def test_the_map_page_has_no_inline_style_or_handler(client: Client) -> None:
    """The map's layer list had a style element, style attributes and an onsubmit
    handler, which a policy without 'unsafe-inline' refuses."""
    client.force_login(make_user(username="canbo", is_superuser=True))

    html = client.get(reverse("registry:map")).content.decode()

    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


# issue 15 (map): the basemap's origins join the policy only when one is configured.
_POLICY_OF_ENVIRONMENT = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({k: [str(v) for v in vs] for k, vs in "
    "settings.CONTENT_SECURITY_POLICY['DIRECTIVES'].items()}))"
)


def _policy_with(**environment: str) -> dict[str, list[str]]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MAP_BASEMAP_", "DJANGO_SETTINGS_MODULE"))
    }
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.test", **environment}
    done = subprocess.run(  # noqa: S603  # this interpreter and our own settings
        [sys.executable, "-c", _POLICY_OF_ENVIRONMENT],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    policy: dict[str, list[str]] = json.loads(done.stdout)
    return policy


def test_without_a_basemap_the_map_reads_only_our_own_origin() -> None:
    policy = _policy_with()
    for directive in ("img-src", "font-src", "connect-src"):
        assert [v for v in policy[directive] if v.startswith("http")] == [], directive


def test_a_basemap_adds_its_styles_origin_and_the_listed_tile_hosts() -> None:
    """The style's origin (scheme, host and port, not its path) and MAP_BASEMAP_ORIGINS
    may be read for tiles, sprites and glyphs; nothing else is added, and scripts stay
    our own."""
    policy = _policy_with(
        MAP_BASEMAP_STYLE_URL="https://ban-do.tinh.example.vn:8443/styles/nen/style.json",
        MAP_BASEMAP_ORIGINS="https://tiles.tinh.example.vn",
    )
    expected = ["https://ban-do.tinh.example.vn:8443", "https://tiles.tinh.example.vn"]
    for directive in ("img-src", "font-src", "connect-src"):
        assert [v for v in policy[directive] if v.startswith("http")] == expected, directive
    assert not [v for v in policy["script-src"] if v.startswith("http")]
