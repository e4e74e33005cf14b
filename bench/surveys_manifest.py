"""What a collector's phone downloads before going door to door: the manifest of the
household form (GET /openrosa/forms/<id>/manifest) and the households.csv the platform
writes for the collector (GET …/media/households.csv: the households of their villages,
each with its `__version`).

Through Django's test client, in this process: the URL resolver, the middleware, the
Basic sign-in, the view and its queries; no web server and no network. The collector
is a digital team member of the commune whose households number 2,000 or just over.
Goals: households.csv ≤ 300 KB; p50 and p95 ≤ 200 ms. BENCH_MANIFEST_REPEAT sets N
(default 50).
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import tempfile
from collections.abc import Callable

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from langso.surveys.openrosa import md5_hash

from .common import measure, province_with_households, report
from .surveys_setup import (
    FORM_ID,
    PROVINCE,
    basic_authorization,
    collector,
    communes_by_households,
    household_form_publish,
)
from .surveys_setup import (
    HOUSEHOLDS as SURVEY_HOUSEHOLDS,
)

REPEAT = int(os.environ.get("BENCH_MANIFEST_REPEAT", "50"))
HOUSEHOLDS = 2_000
GOAL_MS = "≤ 200 ms"
GOAL_KB = 300


def _getter(client: Client, url: str) -> Callable[[], bytes]:
    def get() -> bytes:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return bytes(response.content)

    return get


def _queries(name: str, get: Callable[[], bytes]) -> None:
    with CaptureQueriesContext(connection) as captured:
        get()
    print(f"    {name}: {len(captured)} queries")


def run() -> None:
    print(f"OpenRosa manifest and households.csv on {connection.vendor} (Django test client)")
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        province = province_with_households(PROVINCE, SURVEY_HOUSEHOLDS)
        household_form_publish(province)
        communes = communes_by_households(province)
        big_enough = [(c, n) for c, n in communes if n >= HOUSEHOLDS]
        commune, count = min(big_enough, key=lambda c: c[1]) if big_enough else communes[0]
        user, token = collector("bench.thu", commune)
        # Outside the test runner "testserver" is not an allowed host; localhost is.
        client = Client(
            SERVER_NAME="localhost",
            HTTP_AUTHORIZATION=basic_authorization(user.username, token),
        )
        manifest = _getter(client, reverse("openrosa:manifest", args=[FORM_ID]))
        households = _getter(client, reverse("openrosa:media", args=[FORM_ID, "households.csv"]))

        body = households()
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        villages = len({row["village"] for row in rows})
        print(
            f"  collector: digital team member of {commune.name}, whose {villages} villages "
            f"hold {count:,} households ({len(rows):,} active: those listed)"
        )
        listed = re.search(rb"<hash>md5:([0-9a-f]+)</hash>", manifest())
        same = listed is not None and f"md5:{listed.group(1).decode()}" == md5_hash(body)
        print(
            f"  households.csv: {len(body) / 1024:.0f} KB "
            f"(gzip {len(gzip.compress(body)) / 1024:.0f} KB)   (goal ≤ {GOAL_KB} KB); "
            f"manifest hash {'matches' if same else 'DOES NOT MATCH'} the file"
        )
        report("GET manifest", measure(manifest, repeat=REPEAT), GOAL_MS)
        report("GET households.csv", measure(households, repeat=REPEAT), GOAL_MS)
        _queries("manifest", manifest)
        _queries("households.csv", households)
