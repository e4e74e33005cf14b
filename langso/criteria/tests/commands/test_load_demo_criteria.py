"""`manage.py load_demo_criteria`: the national and demo sets, the demo classification
and village presences; the demo's smart villages evaluate from them; idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from langso.criteria.evaluation.engine import evaluate
from langso.criteria.evaluation.statuses import Status
from langso.criteria.models import CommuneClassification, CriteriaSet
from langso.registry.testing import RegistryTree

pytestmark = pytest.mark.django_db


def test_without_demo_accounts_it_says_to_load_them(tree: RegistryTree) -> None:
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_demo_criteria", stdout=StringIO())


def test_loads_the_sets_and_the_demo_figures_once(tree: RegistryTree, definitions: None) -> None:
    call_command("load_demo", force=True, stdout=StringIO())
    call_command("load_demo_criteria", stdout=StringIO())
    own = CriteriaSet.objects.filter(province=tree.province)
    assert sorted(own.values_list("code", flat=True)) == [
        "thon_thong_minh",
        "xa_chuyen_doi_so_2025",
        "xa_ntm_thong_minh",
    ]
    assert CommuneClassification.objects.filter(year=2026).count() == 2
    # A1 (the demo commune's first village) has wifi, a team and a social platform
    # entered; with no households its registry figures are missing, not failed.
    [a1] = evaluate(code="thon_thong_minh", units=[tree.a1], year=2026)
    statuses = {r.indicator.code: r.status for r in a1.results()}
    assert statuses["1.3"] == statuses["3.1"] == statuses["3.2"] == Status.PASS
    assert statuses["1.1"] == Status.MISSING
    count = CriteriaSet.objects.count()
    call_command("load_demo_criteria", stdout=StringIO())
    assert CriteriaSet.objects.count() == count
