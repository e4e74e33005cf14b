"""A criterion read on a reported indicator rolled up from the units below (villages'
free wifi read at their commune) never passes a unit on a roll-up too few of them
reported: it is missing data until enough have, in the full evaluation and in the
statuses-only fast path alike."""

from __future__ import annotations

from typing import Any

import pytest

from langso.criteria.catalogue import catalogue_yaml_read
from langso.criteria.evaluation.engine import evaluate, evaluate_statuses
from langso.criteria.evaluation.statuses import Status
from langso.criteria.services import criteria_sets_save
from langso.indicators.services.reported import reported_value_set
from langso.places.testing import make_village
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

WIFI_SET = """\
sets:
  - code: xa_wifi
    name_vi: "Xã có wifi công cộng"
    level: commune
    years: [2026]
    criteria:
      - code: "1"
        name_vi: "Wifi"
        indicators:
          - {code: "1.1", name_vi: "Thôn có wifi miễn phí", kind: computed,
             indicator: village-free-wifi, comparator: gte, threshold: 100}
"""


def _status(tree: RegistryTree) -> tuple[str, str, str]:
    [evaluation] = evaluate(code="xa_wifi", units=[tree.a], year=2026)
    [result] = evaluation.results()
    fast = evaluate_statuses(code="xa_wifi", units=[tree.a], year=2026)[tree.a.id]
    return result.status, evaluation.status, fast


def test_a_roll_up_too_few_villages_reported_is_missing_not_passed(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    raw_sets, sources = catalogue_yaml_read(WIFI_SET)
    criteria_sets_save(actor=None, raw_sets=raw_sets, sources=sources, province=None)
    a3 = make_village(commune=tree.a, code=f"{tree.a.code}-03", name="Thôn Ba")
    wifi: dict[str, Any] = {"code": "village-free-wifi", "period": "2026", "numerator": 1}
    # One village of three says it has wifi: 100 % of those that reported, 1/3 of them.
    reported_value_set(actor=users.officer_a, unit=tree.a1, **wifi)
    assert _status(tree) == (Status.MISSING, Status.MISSING, Status.MISSING)
    reported_value_set(actor=users.officer_a, unit=tree.a2, **wifi)
    assert _status(tree) == (Status.MISSING, Status.MISSING, Status.MISSING)
    # Three of three: the roll-up stands, and the commune meets it.
    reported_value_set(actor=users.officer_a, unit=a3, **wifi)
    assert _status(tree) == (Status.PASS, Status.PASS, Status.PASS)
