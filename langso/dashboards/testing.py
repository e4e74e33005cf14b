"""Test helpers of dashboards that other tests (the browser's) use: a province plan
whose targets fall in every status over the registry's test tree (Ninh Bình: communes
A and B, two villages each), with figures last year (closed) and this year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from langso.indicators.services.periods import period_close
from langso.places.testing import make_commune, make_village
from langso.plans.models import Plan
from langso.plans.testing import plan_make
from langso.registry.testing import RegistryTree, RegistryUsers, create_household

YEAR = timezone.localdate().year
# Mid-year: every target's path is half-way, whatever the day the tests run.
DAY = dt.date(YEAR, 6, 30)
END = f"{YEAR}-12-31"
EPAYMENT = "adults-epayment"


def _epayment(value: int, text: str, **fields: object) -> dict[str, object]:
    return {
        "text_vi": text,
        "kind": "indicator_value",
        "indicator": EPAYMENT,
        "value": value,
        "deadline": END,
        **fields,
    }


# The province's figure this year is 40 % (4 adults paying of 10).
TARGETS = [
    _epayment(35, "≥ 35% người lớn thanh toán điện tử"),  # met: on track
    _epayment(
        100,
        "100% người lớn thanh toán điện tử",
        baseline={"value": 40, "date": f"{YEAR}-01-01"},
    ),  # half-way expects 70: off track, 40 % done
    _epayment(
        80, "≥ 80% người lớn thanh toán điện tử", baseline={"value": 40, "date": f"{YEAR}-01-01"}
    ),  # expects 60: off track, 50 % done
    _epayment(50, "≥ 50% người lớn thanh toán điện tử"),  # no baseline: at risk, 80 % done
    {
        "text_vi": "100% cán bộ quản lý được tập huấn",
        "kind": "activity",
        "indicator": "managers-trained-dx",
        "value": 100,
        "deadline": END,
    },  # nothing reported: no data
    {
        "text_vi": "Ít nhất 2 huyện đạt chuẩn NTM",
        "unbound": "Cấp huyện không còn từ 01/07/2025.",
        "value": 2,
        "measure": "count",
        "deadline": END,
    },
]


@dataclass
class OverviewWorld:
    tree: RegistryTree
    users: RegistryUsers
    plan: Plan


@pytest.fixture
def overview(tree: RegistryTree, users: RegistryUsers, definitions: None) -> OverviewWorld:
    """Last year (closed): A1 alone, 3 of 4 adults paying (75 %). This year: A2 0 of 2
    and B1 1 of 4 more: A1 75 %, A2 0 %, B1 25 %, B2 no data; commune A 50 %, B 25 %,
    the province 40 %."""
    actor = users.province_officer
    create_household(actor=actor, village=tree.a1, members=4, adults=4, adults_epayment=3)
    period_close(actor=users.central_admin, code=str(YEAR - 1))
    create_household(actor=actor, village=tree.a2, members=2, adults=2, adults_epayment=0)
    create_household(actor=actor, village=tree.b1, members=4, adults=4, adults_epayment=1)
    plan = plan_make(unit=tree.province, targets=TARGETS, code="ke-hoach-tinh")
    return OverviewWorld(tree=tree, users=users, plan=plan)


def more_communes(world: OverviewWorld, *, count: int) -> None:
    """`count` communes more in the province, each with a village and a household: a
    query budget's "many rows"."""
    for n in range(3, 3 + count):
        commune = make_commune(province=world.tree.province, code=f"3700{n}", name=f"Xã {n}")
        village = make_village(commune=commune, code=f"3700{n}01", name=f"Thôn {n}")
        create_household(
            actor=world.users.province_officer,
            village=village,
            members=2,
            adults=2,
            adults_epayment=n % 3,
        )
