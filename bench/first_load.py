"""First load on a phone (issue 15, item 8): a household's page and the household survey's
web form, opened cold in headless Chromium as a 360 × 740 Android phone on a slow mobile
network, signed in as the demo commune officer and the demo digital team member; and
(issue 17) the province's two dashboard pages, the overview and the map, signed in as
the demo province officer, against their goal of 500 KB transferred.

The platform is served as production serves it: collectstatic with WhiteNoise's
compressed manifest storage into a temporary STATIC_ROOT, DEBUG off, WhiteNoise serving
the hashed files compressed (Brotli to a browser that accepts it, as Chromium does on
HTTPS and on localhost; gzip to one that accepts only gzip). The data
are the demo's (`scripts/serve.sh`): the real units, the demo accounts, a synthetic Ninh
Bình, the shipped survey forms. Figures come from the page's Resource Timing: bytes
transferred (compressed, with headers), compressed bodies, uncompressed bodies, requests;
and the time to the load event (household page) or to the first question shown (web
form). Printed, never asserted; the household page's ≤ 150 KB is a test's. The map is
ready when MapLibre has drawn the units' tiles (`window.langsoChoropleth` loaded), the
overview at its load event (its charts come drawn, as SVG, in the page).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.test.testcases import LiveServerThread
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, sync_playwright

from langso.accounts.roles import Permission
from langso.accounts.selectors import scope_unit, user_get_by_username
from langso.registry.models import Household
from langso.surveys.models import SurveyForm
from langso.surveys.services.forms import SHIPPED_FORMS
from langso.surveys.xlsforms import xlsform_convert
from tests.browser.conftest import CHROMIUM, GL_FLAGS

from .common import real_units_load

# Lighthouse's mobile profile ("slow 4G"), as Chrome DevTools applies it: 150 ms RTT ×
# 3.75 of latency, 1.6 Mbit/s down and 750 kbit/s up × 0.9 of throughput.
NETWORK = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1_600_000 * 0.9 / 8,
    "uploadThroughput": 750_000 * 0.9 / 8,
}
NETWORK_NAME = "slow 4G (562.5 ms, 1.44 Mbit/s down, 675 kbit/s up)"
# Issue 17: a dashboard page's first load, compressed as served, headers included.
DASHBOARD_GOAL = 500 * 1024
PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
    ),
}
PRODUCTION_STATIC: dict[str, Any] = {
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    },
    "WHITENOISE_USE_FINDERS": False,
    "WHITENOISE_AUTOREFRESH": False,
    "DEBUG": False,
    "ALLOWED_HOSTS": ["127.0.0.1"],
}
# What the page fetched over the network, from its Resource Timing entries (the
# navigation's included); all same-origin, so sizes are exposed.
_RESOURCES = """() => {
  const entries = [...performance.getEntriesByType("navigation"),
                   ...performance.getEntriesByType("resource")];
  // Answered by the network (a copy from the HTTP cache transfers nothing).
  const fetched = entries.filter((e) => e.transferSize > 0);
  const sum = (key) => fetched.reduce((total, e) => total + (e[key] || 0), 0);
  const nav = performance.getEntriesByType("navigation")[0];
  return {requests: fetched.length, transferred: sum("transferSize"),
          encoded: sum("encodedBodySize"), decoded: sum("decodedBodySize"),
          dom_ready: nav.domContentLoadedEventEnd};
}"""


@dataclass(frozen=True)
class Load:
    name: str
    requests: int
    transferred: float
    encoded: float
    decoded: float
    dom_ready_ms: float
    ready_ms: float
    ready_what: str
    static_files: int
    static_compressed: int
    encodings: str


def _demo_data() -> None:
    """The demo of `scripts/serve.sh`, as far as the two pages need it."""
    real_units_load()
    call_command("load_demo", force=True, verbosity=0)
    call_command("load_indicator_definitions", verbosity=0)
    call_command("synth", province=["37"], size="demo", force=True, verbosity=0)
    call_command("rebuild_household_aggregates", verbosity=0)
    call_command("load_demo_surveys", verbosity=0)
    # The dashboards: the criteria sets and the seed plans, as serve.sh loads them.
    call_command("load_demo_criteria", verbosity=0)
    call_command("load_demo_plans", verbosity=0)


def _session_cookie(username: str, url: str) -> dict[str, str]:
    user = user_get_by_username(username=username)
    assert user is not None, username
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": url}


def _figures(page: Page, name: str, ms: float, what: str, encodings: list[str]) -> Load:
    seen = page.evaluate(_RESOURCES)
    return Load(
        name=name,
        requests=seen["requests"],
        transferred=seen["transferred"],
        encoded=seen["encoded"],
        decoded=seen["decoded"],
        dom_ready_ms=seen["dom_ready"],
        ready_ms=ms,
        ready_what=what,
        static_files=len(encodings),
        static_compressed=sum(1 for encoding in encodings if encoding),
        encodings=", ".join(sorted({encoding for encoding in encodings if encoding})) or "-",
    )


def _open(context: BrowserContext, name: str, url: str, *, form: bool | str) -> list[Load]:
    """Open `url` cold (a new browser profile: empty HTTP cache) on the throttled
    network. A page: figures at its load event. The web form: at its first question,
    then once the page has kept its offline copy (it adds what it loaded to the service
    worker's cache, from the HTTP cache)."""
    page = context.new_page()
    # Content-Encoding of each static file answered: WhiteNoise's br or gzip, or nothing.
    encodings: list[str] = []
    page.on(
        "response",
        lambda response: (
            encodings.append(response.headers.get("content-encoding", ""))
            if "/static/" in response.url and not response.from_service_worker
            else None
        ),
    )
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    page.goto(url, wait_until="load", timeout=300_000)
    if form == "map":
        # MapLibre has read the tiles it needs and drawn them.
        page.wait_for_function(
            "() => window.langsoChoropleth && window.langsoChoropleth.loaded()"
            " && window.langsoChoropleth.areTilesLoaded()",
            timeout=300_000,
        )
        drawn_ms = page.evaluate("performance.now()")
        loads = [_figures(page, name, drawn_ms, "map drawn", encodings)]
    elif not form:
        load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        loads = [_figures(page, name, load_ms, "load event", encodings)]
    else:
        page.wait_for_selector("#web-form .question-container", timeout=300_000)
        shown_ms = page.evaluate("performance.now()")
        loads = [_figures(page, name, shown_ms, "first question shown", list(encodings))]
        page.wait_for_selector("#web-form-offline-ready", state="visible", timeout=300_000)
        kept_ms = page.evaluate("performance.now()")
        loads.append(_figures(page, "  + its offline copy", kept_ms, "offline ready", encodings))
    page.close()
    return loads


def _print_dashboards(loads: list[Load]) -> None:
    """The dashboard pages against their goal."""
    print(f"  dashboards: first load ≤ {DASHBOARD_GOAL // 1024} KB transferred")
    for load in loads:
        verdict = "within" if load.transferred <= DASHBOARD_GOAL else "OVER"
        print(
            f"  {load.name:<34} {load.transferred / 1024:>6.0f} KB of "
            f"{DASHBOARD_GOAL // 1024} KB: {verdict} the goal"
        )


def _print(loads: list[Load]) -> None:
    print(f"  phone 360×740, {NETWORK_NAME}, cold cache, static files from WhiteNoise")
    print(
        f"  {'page':<34} {'requests':>8} {'transferred':>12} {'compressed':>11} "
        f"{'uncompressed':>13} {'DOM ready':>10} {'ready':>9}"
    )
    for load in loads:
        print(
            f"  {load.name:<34} {load.requests:>8} {load.transferred / 1024:>9.0f} KB "
            f"{load.encoded / 1024:>8.0f} KB {load.decoded / 1024:>10.0f} KB "
            f"{load.dom_ready_ms / 1000:>8.1f} s {load.ready_ms / 1000:>7.1f} s  "
            f"({load.ready_what}; {load.static_compressed}/{load.static_files} static files "
            f"compressed: {load.encodings})"
        )


def run() -> None:
    print(
        "first_load: a household's page, the household survey's web form and the province's"
        " dashboards on a phone"
    )
    _demo_data()
    household = (
        Household.objects.filter(commune__code=_demo_commune_code(), location__isnull=False)
        .order_by("pk")
        .first()
    )
    assert household is not None, "the synthetic demo province has no placed household"
    form_id = xlsform_convert(name=SHIPPED_FORMS[0].name, data=SHIPPED_FORMS[0].read_bytes())
    survey = SurveyForm.objects.get(xml_form_id=form_id.info.form_id)
    # Playwright's sync API runs an event loop in this thread; the ORM is done by now.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with (
        tempfile.TemporaryDirectory() as static_root,
        override_settings(STATIC_ROOT=static_root, **PRODUCTION_STATIC),
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        # No static handler around the application: WhiteNoise, in the middleware,
        # serves the collected files, as in production (Django's would serve them plain).
        server = LiveServerThread("127.0.0.1", lambda handler: handler)  # type: ignore[arg-type]  # the stubs want a class; Django only calls it
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        base = f"http://127.0.0.1:{server.port}"
        try:
            loads = _measure(base, household.address_code, survey.pk)
        finally:
            server.terminate()
            server.join()
    _print(loads)
    _print_dashboards([load for load in loads if load.name.startswith("dashboard")])


def _demo_commune_code() -> str:
    officer = user_get_by_username(username="demo.xa")
    assert officer is not None
    commune = scope_unit(user=officer, permission=Permission.VIEW_SCOPED)
    assert commune is not None
    return commune.code


def _measure(base: str, address_code: str, survey_pk: int) -> list[Load]:
    loads = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=GL_FLAGS)
        try:
            pages: tuple[tuple[str, str, str, bool | str], ...] = (
                (
                    "household page (commune officer)",
                    "demo.xa",
                    reverse("registry:household-detail", args=[address_code]),
                    False,
                ),
                (
                    "survey web form (team member)",
                    "demo.tocongnghe",
                    reverse("surveys:web-form-fill", args=[survey_pk]),
                    True,
                ),
                # The officer's own province, as the home page links them.
                (
                    "dashboard overview (province)",
                    "demo.tinh",
                    reverse("dashboards:overview"),
                    False,
                ),
                ("dashboard map (province)", "demo.tinh", reverse("dashboards:map"), "map"),
            )
            for name, username, path, form in pages:
                context = browser.new_context(**PHONE)
                context.add_cookies([_session_cookie(username, base)])  # type: ignore[list-item]  # Playwright's cookie TypedDict
                loads += _open(context, name, base + path, form=form)
                context.close()
        finally:
            browser.close()
    return loads
