"""When an indicator of 51/2025/QĐ-TTg is read into the national 2026-2030 set (a new
version of it), the engine computes it for each commune against its group's threshold,
a commune without a group is left undecided rather than failed, and the officers'
findings on the criteria still assessed whole carry over to the new version.

The thresholds below are this test's own numbers, not the decision's (its annex could
not be read): commune A, group 1, 45 of 60 work records online; commune B, group 3, 20
of 60."""

from __future__ import annotations

from decimal import Decimal

import pytest

from langso.criteria.catalogue import catalogue_yaml_read
from langso.criteria.evaluation.engine import evaluate
from langso.criteria.evaluation.statuses import Status
from langso.criteria.services import commune_classification_set, criteria_sets_save
from langso.criteria.testing import NATIONAL_2026, criteria_assess_met
from langso.indicators.services.reported import reported_value_set
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
YEAR = 2026

WITH_A_COMPUTED_INDICATOR = """\
- code: xa_ntm_2026_2030
  name_vi: "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030"
  level: commune
  years: [2026, 2030]
  varies_by: commune_group
  status: verified
  criteria:
    - {code: "1", name_vi: "Quy hoạch", status: verified, indicators: unknown}
    - code: "7"
      name_vi: "Khoa học công nghệ và chuyển đổi số"
      status: verified
      indicators:
        - {code: "7.1", name_vi: "Hồ sơ công việc cấp xã xử lý trên môi trường mạng",
           kind: computed, indicator: work-records-online-commune, comparator: gte,
           threshold: {NHOM_1: 70, NHOM_2: 60, NHOM_3: 50}, status: verified}
"""


@pytest.fixture
def communes(catalogue: None, tree: RegistryTree, users: RegistryUsers) -> RegistryTree:
    officer = users.province_officer
    for unit, online, group in ((tree.a, 45, "NHOM_1"), (tree.b, 20, "NHOM_3")):
        reported_value_set(
            actor=officer,
            code="work-records-online-commune",
            unit=unit,
            period=str(YEAR),
            numerator=online,
            denominator=60,
        )
        commune_classification_set(actor=officer, unit=unit, year=YEAR, commune_group=group)
    # Found on the shipped version, where every criterion is assessed whole.
    criteria_assess_met(actor=users.officer_a, unit=tree.a, met=1, year=YEAR)
    raw_sets, sources = catalogue_yaml_read(WITH_A_COMPUTED_INDICATOR)
    criteria_sets_save(actor=None, raw_sets=raw_sets, sources=sources)
    return tree


def test_a_computed_indicator_is_held_to_each_communes_group(communes: RegistryTree) -> None:
    a, b = evaluate(code=NATIONAL_2026, units=[communes.a, communes.b], year=YEAR)
    assert a.criteria_set.version == 2
    [online_a] = [r for r in a.results() if r.indicator.code == "7.1"]
    assert (a.threshold_key, online_a.status, online_a.value, online_a.threshold) == (
        "NHOM_1",
        Status.PASS,
        Decimal(75),
        Decimal(70),
    )
    [online_b] = [r for r in b.results() if r.indicator.code == "7.1"]
    assert b.threshold_key == "NHOM_3"
    assert (online_b.status, online_b.threshold) == (Status.FAIL, Decimal(50))
    assert online_b.value is not None
    assert online_b.gap is not None
    assert (online_b.value.quantize(Decimal("0.01")), online_b.gap.quantize(Decimal("0.01"))) == (
        Decimal("33.33"),
        Decimal("16.67"),
    )
    # Criterion 1, assessed met on version 1, is still met; B's was never assessed.
    assert [(c.criterion.code, c.status) for c in a.criteria] == [
        ("1", Status.PASS),
        ("7", Status.PASS),
    ]
    assert (a.status, a.passed, a.total) == (Status.PASS, 2, 2)
    assert [c.status for c in b.criteria] == [Status.MISSING, Status.FAIL]


def test_a_commune_without_a_group_is_undecided_not_failed(
    communes: RegistryTree, users: RegistryUsers
) -> None:
    commune_classification_set(actor=users.province_officer, unit=communes.b, year=YEAR)
    [b] = evaluate(code=NATIONAL_2026, units=[communes.b], year=YEAR)
    [online] = [r for r in b.results() if r.indicator.code == "7.1"]
    assert (b.threshold_key, online.threshold, online.status) == ("", None, Status.MISSING)
