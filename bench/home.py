"""The homes (issue 15) of a province of 100 communes: what a province officer's home
costs (it reads the province's matrix, one evaluation of every commune per load) beside
the matrix page itself, and a commune officer's and a team member's homes.

Data: a made-up province (code 96) of BENCH_HOME_COMMUNES communes (default 100) with
three villages each and BENCH_HOME_HOUSEHOLDS households per village (default 20), the
shipped indicator definitions and criteria sets, and an officer's assessments of the
set the home shows (2026–2030: criteria 1 to k met, k varying by commune), a digital
team per commune. Pages go through Django's test client in this process: server time,
no network. Runs on either database.
"""

from __future__ import annotations

import os
import random
import tempfile

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.criteria.services import criteria_catalogue_load
from langso.criteria.testing import criteria_assess_met
from langso.home.selectors import home_year, province_home
from langso.indicators.services.definitions import indicator_definitions_load
from langso.places.models import AdminUnit
from langso.places.testing import make_unit_tree
from langso.registry.models import Household
from langso.surveys.services.forms import shipped_forms_publish
from langso.surveys.services.teams import digital_team_create

from .common import measure, report

COMMUNES = int(os.environ.get("BENCH_HOME_COMMUNES", "100"))
HOUSEHOLDS_PER_VILLAGE = int(os.environ.get("BENCH_HOME_HOUSEHOLDS", "20"))
REPEAT = int(os.environ.get("BENCH_HOME_REPEAT", "20"))
PROVINCE = "96"
# The set a home shows by default for the year (see criteria_set_choose).
SHOWN_SET = "xa_ntm_2026_2030"


def _user(username: str, role: str, unit: AdminUnit | None) -> User:
    user = User.objects.create_user(username=username)
    RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return User.objects.get(pk=user.pk)


def _households(villages: list[AdminUnit]) -> None:
    Household.objects.bulk_create(
        (
            Household(
                province=village.province,
                commune=village.commune,
                village=village,
                address_code=f"B{village.code}-{n:04d}",
                members=3,
                adults=2,
            )
            for village in villages
            for n in range(HOUSEHOLDS_PER_VILLAGE)
        ),
        batch_size=2000,
    )


def _assessments(officer: User, communes: list[AdminUnit], year: int) -> None:
    rng = random.Random(15)
    for commune in communes:
        criteria_assess_met(
            actor=officer, unit=commune, met=rng.randint(0, 10), year=year, code=SHOWN_SET
        )


def _timed(client: Client, name: str, url: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)

    def get() -> object:
        return client.get(url)

    report(f"GET {name} ({len(queries.captured_queries)} queries)", measure(get, repeat=REPEAT))


def run() -> None:
    print(f"Homes of a province of {COMMUNES} communes on {connection.vendor}")
    year = home_year()
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        tree = make_unit_tree(
            province_code=PROVINCE,
            province_name="Tỉnh Thử Hiệu Năng",
            communes=COMMUNES,
            villages_per_commune=3,
        )
        indicator_definitions_load()
        criteria_catalogue_load()
        admin = _user("bench.home.tw", Role.CENTRAL_ADMIN, None)
        shipped_forms_publish(actor=admin)
        province_officer = _user("bench.home.tinh", Role.PROVINCE_OFFICER, tree.province)
        commune = tree.communes[0]
        commune_officer = _user("bench.home.xa", Role.COMMUNE_OFFICER, commune)
        member = _user("bench.home.to", Role.DIGITAL_TEAM_MEMBER, commune)
        villages = [v for c in tree.communes for v in tree.villages_of(c)]
        _households(villages)
        _assessments(province_officer, tree.communes, year)
        for c in tree.communes:
            members = [member] if c == commune else []
            digital_team_create(
                actor=admin, village=tree.villages_of(c)[0], name="Tổ bench", members=members
            )
        print(
            f"  ({len(villages)} villages, {Household.objects.count():,} households, "
            f"set {SHOWN_SET}, year {year}; {REPEAT} timed runs each)"
        )
        report(
            "province_home selector (the matrix of every commune)",
            measure(
                lambda: province_home(user=province_officer, unit=tree.province, year=year),
                repeat=REPEAT,
            ),
        )
        home = reverse("home:home")
        for name, user, url in [
            ("province officer's home", province_officer, home),
            (
                "the province's matrix page",
                province_officer,
                reverse("criteria:matrix", args=[tree.province.code]),
            ),
            ("commune officer's home", commune_officer, home),
            ("team member's home", member, home),
        ]:
            # Outside the test runner "testserver" is not an allowed host; localhost is.
            client = Client(SERVER_NAME="localhost")
            client.force_login(user)
            _timed(client, name, url)
