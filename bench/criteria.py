"""Criteria sets evaluated at national scale (PostGIS only): one set for all 3,321
current communes in one call (goal ≤ 2 s), the province matrix page for the largest
province and a commune's scorecard (goal ≤ 300 ms server time each).

Data: the real units, synthetic households over the 34 provinces (the generator the
`indicators` bench uses, 18 M households by default; BENCH_CRITERIA_HOUSEHOLDS, else
BENCH_INDICATORS_HOUSEHOLDS, sets fewer, and the figures say how many were used; run
after `indicators` in the same call, its households and aggregates are reused), their
aggregates rebuilt, the shipped indicator definitions and criteria sets, a postal
service point reported for every commune, and an officer's assessment of every
assessed indicator of every commune.

Two sets are evaluated:
- the shipped xa_ntm_2021_2025 (19 criteria: 21 assessed indicators, and 8.1, a
  reported presence), mostly assessment lookups; with the shipped sets alone loaded,
  as in production, since a province's matrix also counts the communes meeting every
  commune set in force;
- then `bench_xa_2025`, a BENCHMARK set defined here, not law: six indicators computed
  from the household register with thresholds per region, one composite (a share of
  a commune's villages meeting `bench_thon_2025`, another benchmark set of three
  computed indicators, evaluated for every village of the nation), one reported
  presence and one assessed indicator. It makes the figure include indicator reads.

Pages go through Django's test client in this process (URL resolver, middleware,
session sign-in, view, template): server time, no network. Where a page does not answer
(not written yet), the selector it calls is timed instead, and the line says so.
BENCH_CRITERIA_REPEAT sets the timed runs of each national evaluation (default 5;
pages are timed four times as often).
"""

from __future__ import annotations

import os
import random
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.criteria.models import Assessment, Kind, Verdict
from langso.criteria.selectors import (
    criteria_set_in_force,
    criteria_set_rows,
    evaluate,
    province_matrix,
)
from langso.criteria.services import criteria_catalogue_load
from langso.indicators.models import HouseholdAggregate
from langso.indicators.selectors import indicators_values, period_parse
from langso.indicators.services.aggregates import household_aggregates_rebuild
from langso.indicators.services.definitions import indicator_definitions_load
from langso.indicators.services.reported import reported_values_import
from langso.places.models import AdminUnit, Level
from langso.places.services.units import units_load
from langso.places.unit_sources import read_vietnamadminunits
from langso.registry.models import Household
from langso.registry.synth import synth_run

from .common import measure, report, stopwatch

HOUSEHOLDS = int(
    os.environ.get(
        "BENCH_CRITERIA_HOUSEHOLDS", os.environ.get("BENCH_INDICATORS_HOUSEHOLDS", 18_000_000)
    )
)
REPEAT = int(os.environ.get("BENCH_CRITERIA_REPEAT", "5"))
YEAR = 2025
SHIPPED_SET = "xa_ntm_2021_2025"
BENCH_SET = "bench_xa_2025"
VILLAGE_SET = "bench_thon_2025"
# A presence every commune reports (8.1 of the shipped set).
POSTAL = "postal-service-point"

# Benchmark sets: their shape is what matters (how many indicators, of which kinds, read
# how); the thresholds are round numbers, not any text's.
BENCH_SETS = f"""
sets:
  - code: {VILLAGE_SET}
    name_vi: "Bộ thử hiệu năng cấp thôn (benchmark, không phải văn bản)"
    level: village
    years: [2021, 2025]
    status: inferred
    criteria:
      - code: "1"
        name_vi: "Hạ tầng số"
        indicators:
          - {{code: "1.1", name_vi: "Hộ có cáp quang", kind: computed,
              indicator: households-fibre, comparator: gt, threshold: 50}}
          - {{code: "1.2", name_vi: "Hộ có sóng 4G/5G", kind: computed,
              indicator: households-4g-5g, comparator: gte, threshold: 80}}
      - code: "2"
        name_vi: "Công dân số"
        indicators:
          - {{code: "2.1", name_vi: "Người trưởng thành có điện thoại thông minh",
              kind: computed, indicator: adults-smartphone, comparator: gt, threshold: 60}}

  - code: {BENCH_SET}
    name_vi: "Bộ thử hiệu năng cấp xã (benchmark, không phải văn bản)"
    level: commune
    years: [2021, 2025]
    varies_by: region
    hardship_region: TDMNPB
    status: inferred
    criteria:
      - code: "1"
        name_vi: "Công dân số"
        indicators:
          - {{code: "1.1", name_vi: "Người trưởng thành có tài khoản thanh toán điện tử",
              kind: computed, indicator: adults-epayment, comparator: gte,
              threshold: {{TDMNPB: 40, DBSH: 60, BTB: 50, DHNTB: 50, TN: 40, DNB: 60,
                           DBSCL: 50}}}}
          - {{code: "1.2", name_vi: "Người trưởng thành có điện thoại thông minh",
              kind: computed, indicator: adults-smartphone, comparator: gt,
              threshold: {{TDMNPB: 50, DBSH: 70, BTB: 60, DHNTB: 60, TN: 50, DNB: 70,
                           DBSCL: 60}}}}
          - {{code: "1.3", name_vi: "Người trưởng thành có tài khoản dịch vụ công",
              kind: computed, indicator: adults-public-service, comparator: gte,
              threshold: {{TDMNPB: 30, DBSH: 50, BTB: 40, DHNTB: 40, TN: 30, DNB: 50,
                           DBSCL: 40}}}}
      - code: "2"
        name_vi: "Hạ tầng số"
        indicators:
          - {{code: "2.1", name_vi: "Hộ có cáp quang", kind: computed,
              indicator: households-fibre, comparator: gte,
              threshold: {{TDMNPB: 40, DBSH: 70, BTB: 55, DHNTB: 55, TN: 40, DNB: 70,
                           DBSCL: 55}}}}
          - {{code: "2.2", name_vi: "Hộ có sóng 4G/5G", kind: computed,
              indicator: households-4g-5g, comparator: gte,
              threshold: {{TDMNPB: 80, DBSH: 95, BTB: 90, DHNTB: 90, TN: 80, DNB: 95,
                           DBSCL: 90}}}}
          - {{code: "2.3", name_vi: "Hộ có điện thoại thông minh", kind: computed,
              indicator: households-smartphone, comparator: gte,
              threshold: {{TDMNPB: 70, DBSH: 90, BTB: 80, DHNTB: 80, TN: 70, DNB: 90,
                           DBSCL: 80}}}}
          - {{code: "2.4", name_vi: "Xã có điểm phục vụ bưu chính", kind: computed,
              indicator: {POSTAL}, comparator: present}}
      - code: "3"
        name_vi: "Thôn đạt bộ thử cấp thôn"
        indicators:
          - {{code: "3.1", name_vi: "Tỷ lệ thôn đạt", kind: composite, set: {VILLAGE_SET},
              over: village, measure: percent, comparator: gte,
              threshold: {{TDMNPB: 30, DBSH: 50, BTB: 40, DHNTB: 40, TN: 30, DNB: 50,
                           DBSCL: 40}}}}
      - code: "4"
        name_vi: "Đánh giá của cán bộ"
        indicators:
          - {{code: "4.1", name_vi: "Ứng dụng CNTT trong quản lý, điều hành",
              kind: assessed}}
"""


# --- Set-up --------------------------------------------------------------------------


def _households() -> None:
    """The nation's synthetic households and their aggregates: reused when a bench run
    before this one in the same call (`indicators`) left them."""
    if not AdminUnit.objects.current().filter(level=Level.PROVINCE).exists():
        units_load(source=read_vietnamadminunits())
    if Household.objects.exists():
        print(f"  (households reused from the bench run before: {Household.objects.count():,})")
    else:
        generated = synth_run(
            province_codes=None, size=None, households=HOUSEHOLDS, replace=True, progress=None
        )
        counts = generated.counts
        print(
            f"  (set-up: {counts.households:,} synthetic households in {counts.villages:,} "
            f"villages generated in {generated.seconds:.0f} s)"
        )
        with connection.cursor() as cursor:
            # As autovacuum would after a bulk load: statistics and the visibility map.
            cursor.execute(f"VACUUM ANALYZE {Household._meta.db_table}")
    if not HouseholdAggregate.objects.exists():
        with stopwatch() as took:
            written = household_aggregates_rebuild()
        print(f"  (set-up: aggregates rebuilt, {written:,} rows, in {took[0]:.0f} s)")
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {HouseholdAggregate._meta.db_table}")


def _officer() -> User:
    user = User.objects.create_user(username="bench.criteria")
    RoleAssignment.objects.create(user=user, role=Role.CENTRAL_ADMIN, unit=None)
    return User.objects.get(pk=user.pk)


def _bench_sets() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-criteria-") as directory:
        path = Path(directory) / "bench-sets.yaml"
        path.write_text(BENCH_SETS, encoding="utf-8")
        criteria_catalogue_load(path=path)


def _postal(officer: User, communes: Sequence[AdminUnit], rng: random.Random) -> None:
    """A postal service point reported for every commune (nine in ten have one)."""
    lines = ["ma_don_vi,tu_so"]
    lines += [f"{c.code},{1 if rng.random() < 0.9 else 0}" for c in communes]
    upload = SimpleUploadedFile("buu-chinh.csv", "\n".join(lines).encode())
    with stopwatch() as took:
        stored = reported_values_import(actor=officer, code=POSTAL, period=str(YEAR), file=upload)
    print(f"  (set-up: {POSTAL} reported for {stored:,} communes in {took[0]:.0f} s)")


def _assessments(
    code: str, officer: User, communes: Sequence[AdminUnit], rng: random.Random
) -> None:
    """Every assessed indicator of the set assessed for every commune (nine in ten
    đạt), in bulk."""
    _criteria, indicators = criteria_set_rows(criteria_set_in_force(code=code, province=None))
    assessed = [i.code for i in indicators if i.kind == Kind.ASSESSED]
    rows = [
        Assessment(
            set_code=code,
            indicator_code=indicator,
            unit_id=commune.pk,
            province_id=commune.province_id or commune.pk,
            year=YEAR,
            verdict=Verdict.PASS if rng.random() < 0.9 else Verdict.FAIL,
            note="bench",
            entered_by=officer,
        )
        for commune in communes
        for indicator in assessed
    ]
    Assessment.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Assessment._meta.db_table}")
    print(f"  (set-up: {len(rows):,} assessments of {code}, {len(assessed)} per commune)")


# --- Timings -------------------------------------------------------------------------


def _queries(run: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def _national(code: str, communes: Sequence[AdminUnit]) -> None:
    def run() -> None:
        evaluate(code=code, units=communes, year=YEAR)

    rows = evaluate(code=code, units=communes, year=YEAR)
    statuses = Counter(str(e.status) for e in rows)
    indicators = sum(len(e.results()) for e in rows) // max(len(rows), 1)
    shown = ", ".join(f"{n:,} {status}" for status, n in sorted(statuses.items()))
    print(
        f"  {code}: {len(rows):,} communes × {indicators} indicators ({shown}); "
        f"{_queries(run)} queries"
    )
    report(f"evaluate {code}, all communes, {YEAR}", measure(run, repeat=REPEAT, warmup=0), "≤ 2 s")


def _parts(communes: Sequence[AdminUnit]) -> None:
    """What the benchmark set's evaluation is made of, timed alone."""
    period = period_parse(str(YEAR))
    villages = list(
        AdminUnit.objects.valid_on(period.end)
        .filter(level=Level.VILLAGE, commune_id__in=[c.pk for c in communes])
        .order_by("pk")
    )
    _criteria, indicators = criteria_set_rows(criteria_set_in_force(code=BENCH_SET, province=None))
    codes = list(dict.fromkeys(i.indicator for i in indicators if i.kind == Kind.COMPUTED))
    print(f"  parts of {BENCH_SET}, each alone:")
    report(
        f"{len(codes)} indicators read for all communes",
        measure(
            lambda: indicators_values(codes=codes, units=communes, period=period),
            repeat=REPEAT,
            warmup=1,
        ),
    )
    report(
        f"{VILLAGE_SET}, all {len(villages):,} villages (the composite's)",
        measure(
            lambda: evaluate(code=VILLAGE_SET, units=villages, year=YEAR), repeat=REPEAT, warmup=1
        ),
    )


def _largest_province() -> tuple[AdminUnit, int]:
    row = (
        AdminUnit.objects.current()
        .filter(level=Level.COMMUNE)
        .values("province_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert row is not None
    return AdminUnit.objects.get(pk=row["province_id"]), row["n"]


def _page(client: Client, url: str) -> Callable[[], object] | None:
    """A GET of `url` that must answer 200, or None when the page does not (yet)."""
    try:
        first = client.get(url)
    except Exception as exc:  # a page being written may raise anything
        print(f"    {url}: {type(exc).__name__}: {exc}")
        return None
    if first.status_code != 200:
        print(f"    {url}: HTTP {first.status_code}")
        return None

    def get() -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return get


def _pages(code: str, officer: User, communes: Sequence[AdminUnit]) -> None:
    province, count = _largest_province()
    commune = next(c for c in communes if c.province_id == province.pk)
    print(
        f"  {code} pages through the test client: the largest province "
        f"({province.name}, {count} communes) and its commune {commune.name}"
    )
    # Outside the test runner "testserver" is not an allowed host; localhost is.
    client = Client(SERVER_NAME="localhost")
    client.force_login(officer)

    def matrix(code: str) -> object:
        return province_matrix(province=province, code=code, year=YEAR)

    def scorecard(code: str) -> object:
        return evaluate(code=code, units=[commune], year=YEAR)

    pages: list[tuple[str, str, Callable[[str], object]]] = [
        ("matrix", reverse("criteria:matrix", args=[province.code]), matrix),
        ("scorecard", reverse("criteria:scorecard", args=[commune.code]), scorecard),
    ]
    for name, path, selector in pages:
        get = _page(client, f"{path}?set={code}&year={YEAR}")
        if get is None:
            print(f"    the {name} page does not answer: its selector is timed instead")
            report(
                f"SELECTOR ONLY, not the page: {name}",
                measure(partial(selector, code), repeat=4 * REPEAT),
                "page ≤ 300 ms",
            )
            continue
        report(f"GET {name} ({_queries(get)} queries)", measure(get, repeat=4 * REPEAT), "≤ 300 ms")


def run() -> None:
    print(f"Criteria evaluation on {connection.vendor} ({HOUSEHOLDS:,} households asked)")
    if connection.vendor != "postgresql":
        print(
            "  Skipped: national scale is PostgreSQL's (DESIGN.md); "
            "run with DATABASE_URL=postgis://…"
        )
        return
    rng = random.Random(23)
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        _households()
        indicator_definitions_load()
        criteria_catalogue_load()
        officer = _officer()
        communes = list(AdminUnit.objects.current().filter(level=Level.COMMUNE).order_by("code"))
        _postal(officer, communes, rng)
        _assessments(SHIPPED_SET, officer, communes, rng)
        print(
            f"  ({Household.objects.count():,} households used, {len(communes):,} current "
            f"communes, year {YEAR}; {REPEAT} timed runs of each national evaluation)"
        )
        _national(SHIPPED_SET, communes)
        _pages(SHIPPED_SET, officer, communes)
        _bench_sets()
        _assessments(BENCH_SET, officer, communes, rng)
        print(f"  with the benchmark sets {BENCH_SET} and {VILLAGE_SET} added (national):")
        _national(BENCH_SET, communes)
        _parts(communes)
        _pages(BENCH_SET, officer, communes)
