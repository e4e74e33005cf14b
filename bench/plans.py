"""Plans (issue 17): the progress of every target of a province's plan, goal ≤ 300 ms
(p95).

Data: a province of 130 communes (BENCH_PLANS_COMMUNES), two villages each, ten
households a village (`registry.testing.make_household`, the aggregates rebuilt once);
every commune reports two indicators, one in three has 8.4 assessed met, the province
reports its managers trained. The plan has 15 targets, as a province plan has: eight
household indicators at the province, two reported by communes, one reported by the
province, three counts of communes meeting a criterion indicator or a threshold, and a
whole set. Each timed run computes every target's value, path, status and the communes
pulling it down (`plans.selectors.progress.plan_progress`); its queries are counted.
Runs on either database."""

from __future__ import annotations

import datetime as dt
import os

from django.db import connection
from django.test.utils import CaptureQueriesContext

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.criteria.models import CriteriaSet
from langso.criteria.services import assessment_record, criteria_catalogue_load
from langso.indicators.services.aggregates import household_aggregates_rebuild
from langso.indicators.services.definitions import indicator_definitions_load
from langso.indicators.services.reported import reported_value_set
from langso.places.testing import make_unit_tree
from langso.plans.selectors.progress import plan_progress
from langso.plans.testing import plan_make
from langso.registry.testing import make_household

from .common import measure, report

COMMUNES = int(os.environ.get("BENCH_PLANS_COMMUNES", "130"))
REPEAT = int(os.environ.get("BENCH_PLANS_REPEAT", "20"))
DAY = dt.date(2026, 9, 30)
END = "2026-12-31"
END_2025 = "2025-12-31"

REGISTRY = [
    "adults-epayment",
    "households-smartphone",
    "adults-smartphone",
    "adults-vneid",
    "adults-public-service",
    "households-fibre",
    "households-4g-5g",
    "households-audio-visual",
]


def _targets() -> list[dict[str, object]]:
    base: dict[str, object] = {"value": 65, "deadline": END}
    targets: list[dict[str, object]] = [
        base
        | {
            "text_vi": f"Chỉ số {code}",
            "kind": "indicator_value",
            "indicator": code,
            "baseline": {"value": 30, "date": "2025-12-31"},
        }
        for code in REGISTRY
    ]
    targets += [
        base | {"text_vi": "Hồ sơ trực tuyến", "kind": "activity", "indicator": code}
        for code in ("work-records-online-commune", "essential-service-online-satisfaction")
    ]
    targets.append(
        base | {"text_vi": "Tập huấn", "kind": "activity", "indicator": "managers-trained-dx"}
    )
    for set_code in ("xa_ntm_2021_2025", "xa_ntm_nang_cao_2021_2025"):
        targets.append(
            {
                "text_vi": f"Xã đạt 8.4 ({set_code})",
                "kind": "units_meeting",
                "level": "commune",
                "set": set_code,
                "criterion": "8.4",
                "value": 97,
                "measure": "percent",
                "deadline": END_2025,
            }
        )
    targets.append(
        {
            "text_vi": "Xã có trên 80% hộ dùng cáp quang",
            "kind": "units_meeting",
            "level": "commune",
            "indicator": "households-fibre",
            "unit_comparator": "gt",
            "unit_threshold": 80,
            "value": 70,
            "measure": "percent",
            "deadline": END,
        }
    )
    targets.append(
        {
            "text_vi": "Xã đạt chuẩn 2026-2030",
            "kind": "units_meeting",
            "level": "commune",
            "set": "xa_ntm_2026_2030",
            "value": 10,
            "measure": "count",
            "deadline": END,
        }
    )
    return targets


def run() -> None:
    print(f"plans on {connection.vendor}: progress of a 15-target plan over {COMMUNES} communes")
    indicator_definitions_load()
    criteria_catalogue_load()
    tree = make_unit_tree(province_code="37", communes=COMMUNES, villages_per_commune=2)
    officer = make_role_holder(Role.PROVINCE_OFFICER, tree.province, "bench.tinh")
    for index, commune in enumerate(tree.communes):
        for village in tree.villages_of(commune):
            for n in range(10):
                make_household(
                    village=village,
                    members=4,
                    adults=3,
                    adults_epayment=(index + n) % 4,
                    adults_smartphone=n % 4,
                    adults_vneid=2,
                    adults_public_service=1,
                    broadband="fibre" if (index + n) % 3 else "none",
                    mobile_coverage="4g",
                    has_tv=True,
                    has_radio=False,
                )
    household_aggregates_rebuild()
    set_2021 = CriteriaSet.objects.get(code="xa_ntm_2021_2025", province=None)
    for index, commune in enumerate(tree.communes):
        reported_value_set(
            actor=officer,
            code="work-records-online-commune",
            unit=commune,
            period="2026",
            numerator=index % 5,
            denominator=4,
        )
        reported_value_set(
            actor=officer,
            code="essential-service-online-satisfaction",
            unit=commune,
            period="2026",
            numerator=index % 2,
        )
        if index % 3 == 0:
            assessment_record(
                actor=officer,
                criteria_set=set_2021,
                indicator_code="8.4",
                unit=commune,
                year=2025,
                verdict="pass",
                note="Biên bản",
            )
    reported_value_set(
        actor=officer,
        code="managers-trained-dx",
        unit=tree.province,
        period="2026",
        numerator=80,
        denominator=100,
    )
    plan = plan_make(unit=tree.province, targets=_targets(), code="bench")
    targets = plan.targets.count()
    with CaptureQueriesContext(connection) as captured:
        progress = plan_progress(plan=plan, day=DAY)
    statuses = ", ".join(sorted({p.status for p in progress.targets}))
    print(f"  {targets} targets, {len(captured.captured_queries)} queries; statuses: {statuses}")
    report(
        f"plan progress, {targets} targets × {COMMUNES} communes",
        measure(lambda: plan_progress(plan=plan, day=DAY), repeat=REPEAT),
        goal="p95 ≤ 300 ms",
    )
