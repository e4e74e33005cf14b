"""Static files go out compressed in production (issue 15, item 8): collectstatic with
the production storage writes a gzip sibling next to each big asset (MapLibre, ODK Web
Forms and Vue, htmx, the CSS), and WhiteNoise answers a browser that accepts gzip with
it, marked by Content-Encoding; with the Brotli package (in the requirements) it also
writes a Brotli sibling, served to browsers that accept it (Chromium asks for it over
HTTPS only)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import brotli  # type: ignore[import-untyped]  # no type hints shipped
import pytest
from django.contrib.staticfiles import finders
from django.core.files import File
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils.module_loading import import_string
from whitenoise.middleware import WhiteNoiseMiddleware  # type: ignore[import-untyped]  # no type hints shipped

from .test_production_settings import _settings

# The assets a phone downloads on the household page and the fill page, and what their
# JavaScript refers to (MapLibre names its source map, which the manifest must find).
BIG_ASSETS = [
    "vendor/maplibre-gl/maplibre-gl.js",
    "vendor/maplibre-gl/maplibre-gl.css",
    "vendor/odk-web-forms/index.js",
    "vendor/vue/vue.esm-browser.prod.js",
    "vendor/htmx/htmx.min.js",
    "css/langso.css",
]
REFERENCED = ["vendor/maplibre-gl/maplibre-gl.js.map"]


@pytest.fixture(scope="module")
def production_storage_backend(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The static-files storage the production settings name."""
    storages = _settings(tmp_path_factory.mktemp("env"), "STORAGES")["STORAGES"]
    assert isinstance(storages, dict)
    backend: str = storages["staticfiles"]["BACKEND"]
    return backend


@pytest.fixture(scope="module")
def collected(production_storage_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A STATIC_ROOT holding the big assets as collectstatic leaves them with the
    production storage: copied, then post-processed (hashed names, compressed files)."""
    root = tmp_path_factory.mktemp("static")
    storage = import_string(production_storage_backend)(location=root, base_url="/static/")
    for path in BIG_ASSETS + REFERENCED:
        source = finders.find(path)
        assert isinstance(source, str), path
        with open(source, "rb") as handle:
            storage.save(path, File(handle))
    found = {path: (storage, path) for path in BIG_ASSETS + REFERENCED}
    for name, _hashed, processed in storage.post_process(found, dry_run=False):
        assert not isinstance(processed, Exception), (name, processed)
    return root


def test_production_uses_whitenoise_compressed_manifest_storage(
    production_storage_backend: str,
) -> None:
    """Hashed names (cached for a year) and compressed siblings, written once at deploy."""
    assert production_storage_backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.parametrize("path", BIG_ASSETS)
def test_collectstatic_writes_a_smaller_gzip_sibling_of_each_big_asset(
    collected: Path, path: str
) -> None:
    """Each big asset, under its plain and its hashed name, has a .gz that unpacks to the
    same bytes and is at most two thirds of its size (ODK Web Forms, which carries
    base64 data, shrinks the least: to 54 %)."""
    plain = collected / path
    hashed = sorted(plain.parent.glob(f"{plain.stem.split('.')[0]}.*{plain.suffix}"))
    for original in [plain, *[h for h in hashed if h != plain]]:
        sibling = original.with_name(original.name + ".gz")
        assert sibling.exists(), sibling
        assert gzip.decompress(sibling.read_bytes()) == original.read_bytes()
        assert sibling.stat().st_size <= original.stat().st_size * 2 // 3, sibling
        brotli_sibling = original.with_name(original.name + ".br")
        assert brotli_sibling.exists(), brotli_sibling
        assert brotli.decompress(brotli_sibling.read_bytes()) == original.read_bytes()
        assert brotli_sibling.stat().st_size <= sibling.stat().st_size, brotli_sibling


@pytest.fixture
def serving(collected: Path) -> Iterator[WhiteNoiseMiddleware]:
    """WhiteNoise as production runs it: from STATIC_ROOT, no finders, no autorefresh."""
    with override_settings(
        STATIC_ROOT=collected, WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False
    ):
        yield WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))


@pytest.mark.parametrize("path", ["vendor/odk-web-forms/index.js", "css/langso.css"])
def test_served_compressed_when_the_browser_accepts_gzip(
    serving: WhiteNoiseMiddleware, path: str
) -> None:
    """A browser that accepts Brotli gets the .br bytes, one that accepts gzip only the
    .gz bytes, each marked by Content-Encoding; one that accepts neither gets the plain
    file. Both are told the answer varies by encoding."""
    factory = RequestFactory()
    url = f"/static/{path}"
    zipped = serving(factory.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate"))
    brotlied = serving(factory.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br"))
    plain = serving(factory.get(url))
    assert zipped.status_code == brotlied.status_code == plain.status_code == 200
    assert zipped["Content-Encoding"] == "gzip"
    assert brotlied["Content-Encoding"] == "br"
    assert int(brotlied["Content-Length"]) <= int(zipped["Content-Length"])
    assert "Content-Encoding" not in plain
    assert int(zipped["Content-Length"]) <= int(plain["Content-Length"]) * 2 // 3
    assert "Accept-Encoding" in zipped["Vary"]
