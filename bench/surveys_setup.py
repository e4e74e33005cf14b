"""What the survey benchmarks (`ingest`, `manifest`) share: a province of synthetic
households, collectors with their app passwords, and a household-update form with ODK
entities published over the province.

Lai Châu has 38 communes: 60,000 households (BENCH_SURVEY_HOUSEHOLDS) give its 20
largest communes 1,500 to 3,400 households each, and one commune about 2,000.
"""

from __future__ import annotations

import base64
import os

from django.db.models import Count

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.places.models import AdminUnit
from langso.registry.models import Household
from langso.surveys.models import FormVersion
from langso.surveys.services.collectors import collector_credential_issue
from langso.surveys.services.forms import form_publish

PROVINCE = "12"
HOUSEHOLDS = int(os.environ.get("BENCH_SURVEY_HOUSEHOLDS", "60000"))
FORM_ID = "bench_khao_sat_ho"
FORM_VERSION = "1"
# A household update: the household is chosen from the list the platform writes for
# each collector (households.csv), and the answers are saved to it (save_to).
HOUSEHOLD_FORM = """
| survey |
| | type | name | label | save_to | constraint |
| | select_one_from_file households.csv | household | Hộ | | |
| | integer | members | Số nhân khẩu | members | . >= 0 and . <= 50 |
| | integer | adults | Số người từ 15 tuổi | adults | . <= ${members} |
| | integer | adults_smartphone | Số người có điện thoại thông minh | adults_smartphone | . <= ${adults} |
| | select_one bb | broadband | Internet cố định | broadband | |
| choices |
| | list_name | name | label |
| | bb | fibre | Cáp quang |
| | bb | other | Khác |
| | bb | none | Không có |
| settings |
| | form_id | version |
| | bench_khao_sat_ho | 1 |
| entities |
| | list_name | entity_id | update_if |
| | households | ${household} | true() |
""".encode()  # noqa: E501  # one row of the table per line, as XLSForm authors write it


def communes_by_households(province: AdminUnit) -> list[tuple[AdminUnit, int]]:
    """The province's communes with their households, largest first."""
    counts = (
        Household.objects.filter(province=province)
        .values("commune_id")
        .annotate(n=Count("id"))
        .order_by("-n", "commune_id")
    )
    units = AdminUnit.objects.in_bulk([row["commune_id"] for row in counts])
    return [(units[row["commune_id"]], row["n"]) for row in counts]


def collector(username: str, unit: AdminUnit) -> tuple[User, str]:
    """A digital team member collecting in `unit`, and the app password issued to them."""
    user = User.objects.create_user(username=username)
    RoleAssignment.objects.create(user=user, role=Role.DIGITAL_TEAM_MEMBER, unit=unit)
    user = User.objects.get(pk=user.pk)
    return user, collector_credential_issue(actor=user)


def household_form_publish(province: AdminUnit) -> FormVersion:
    """The household form, published by a province officer for the whole province."""
    officer = User.objects.create_user(username="bench.tinh")
    RoleAssignment.objects.create(user=officer, role=Role.PROVINCE_OFFICER, unit=province)
    officer = User.objects.get(pk=officer.pk)
    return form_publish(actor=officer, name=f"{FORM_ID}.md", data=HOUSEHOLD_FORM, unit=province)


def basic_authorization(username: str, token: str) -> str:
    """The Authorization header ODK Collect sends."""
    return "Basic " + base64.b64encode(f"{username}:{token}".encode()).decode()
