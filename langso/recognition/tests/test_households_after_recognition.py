"""Households change after a commune's self-assessment and recognition, on a set held to
a figure computed from the household registry (the share of households on fibre):
the frozen snapshot keeps what it froze and still verifies while the live view shows
the drop, and the recognised commune whose share falls below the threshold is flagged
as at risk of losing its standard, naming the criterion."""

from __future__ import annotations

from decimal import Decimal

import pytest

from langso.criteria.catalogue import catalogue_yaml_read
from langso.criteria.services import criteria_sets_save
from langso.criteria.testing import recognition_make
from langso.recognition.models import Snapshot
from langso.recognition.selectors.dossiers import snapshot_changes, snapshot_verify
from langso.recognition.selectors.recognitions import recognitions_at_risk
from langso.recognition.services.dossiers import dossier_open, snapshot_freeze
from langso.recognition.testing import make_procedure
from langso.registry.testing import RegistryTree, RegistryUsers, create_household

YEAR = 2026
FIBRE_SET = """
sets:
  - code: xa_cap_quang
    name_vi: "Xã có hạ tầng cáp quang (thử nghiệm)"
    level: commune
    years: [2026, 2030]
    status: provincial
    criteria:
      - code: "1"
        name_vi: "Hạ tầng số"
        status: provincial
        indicators:
          - {code: "1.1", name_vi: "Hộ có Internet cáp quang", kind: computed,
             indicator: households-fibre, comparator: gte, threshold: 80, status: provincial}
"""


@pytest.fixture
def fibre(catalogue: None, tree: RegistryTree, users: RegistryUsers) -> RegistryTree:
    """The set, a procedure covering it, and commune A with four households, all on
    fibre (100%)."""
    raw_sets, sources = catalogue_yaml_read(FIBRE_SET)
    criteria_sets_save(actor=None, raw_sets=raw_sets, sources=sources)
    make_procedure(sets=["xa_cap_quang"], satisfaction={})
    for _ in range(4):
        create_household(actor=users.officer_a, village=tree.a1, broadband="fibre")
    return tree


def _off_fibre(tree: RegistryTree, users: RegistryUsers, count: int) -> None:
    for _ in range(count):
        create_household(actor=users.officer_a, village=tree.a1, broadband="none")


def test_households_added_after_freezing_leave_the_snapshot_and_its_hash(
    fibre: RegistryTree, users: RegistryUsers
) -> None:
    dossier = dossier_open(actor=users.officer_a, unit=fibre.a, set_code="xa_cap_quang", year=YEAR)
    snapshot = snapshot_freeze(actor=users.officer_a, dossier=dossier)
    [frozen] = snapshot.content["criteria"][0]["indicators"]
    assert (Decimal(frozen["value"]), frozen["status"]) == (Decimal(100), "pass")
    content, sha256 = snapshot.content, snapshot.sha256

    _off_fibre(fibre, users, 2)  # 4 of 6 households: 66.7%, below 80%

    snapshot = Snapshot.objects.get(pk=snapshot.pk)
    assert (snapshot.content, snapshot.sha256) == (content, sha256)
    assert snapshot_verify(snapshot)
    [change] = snapshot_changes(snapshot)
    assert (change.code, change.frozen_status, change.live_status) == ("1.1", "pass", "fail")
    assert change.frozen_value is not None
    assert Decimal(change.frozen_value) == 100
    assert change.live_value is not None
    assert Decimal(change.live_value).quantize(Decimal("0.1")) == Decimal("66.7")


def test_a_recognised_commune_whose_share_falls_below_the_threshold_is_flagged(
    fibre: RegistryTree, users: RegistryUsers
) -> None:
    recognition_make(unit=fibre.a, year=YEAR, code="xa_cap_quang")
    assert recognitions_at_risk(province=fibre.province, year=YEAR) == []

    _off_fibre(fibre, users, 1)  # 4 of 5: 80%, still at the threshold
    assert recognitions_at_risk(province=fibre.province, year=YEAR) == []

    _off_fibre(fibre, users, 1)  # 4 of 6: below
    [flagged] = recognitions_at_risk(province=fibre.province, year=YEAR)
    assert flagged.recognition.unit == fibre.a
    assert [(c.code, c.name_vi) for c in flagged.failing] == [("1", "Hạ tầng số")]
