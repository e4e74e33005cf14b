"""Plans imported from YAML: written whole, or refused whole with every bad entry named
by its line and field."""

from __future__ import annotations

import pytest
import yaml

from langso.core.errors import AccessDenied, ImportRejected
from langso.core.models import AuditEntry
from langso.plans.models import Plan, Target
from langso.plans.services.plans import plans_import
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

GOOD = """\
plans:
  - code: ke-hoach-tot
    title_vi: "Kế hoạch chuyển đổi số"
    unit: "37"
    issued: 2026-02-01
    period: [2026-01-01, 2027-12-31]
    targets:
      - text_vi: "≥ 65% người có tài khoản thanh toán điện tử"
        kind: indicator_value
        indicator: adults-epayment
        value: 65
        deadline: 31/12/2027
        baseline: {value: 40, date: 2025-12-31}
        milestones: [{date: 2026-12-31, value: 50}]
      - text_vi: "≥ 97% số xã đạt 8.4"
        kind: units_meeting
        level: commune
        set: xa_ntm_2021_2025
        criterion: "8.4"
        value: 97
        measure: percent
        deadline: 2025-12-31
"""


def test_a_good_file_is_written_with_its_targets_and_audited(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    (plan,) = plans_import(actor=users.province_officer, text=GOOD)
    assert plan.unit == tree.province
    targets = list(plan.targets.order_by("position"))
    assert [t.kind for t in targets] == ["indicator_value", "units_meeting"]
    assert targets[0].measure == "percent"
    assert targets[0].milestones == [{"date": "2026-12-31", "value": "50"}]
    audited = {(e.content_type.model, e.action) for e in AuditEntry.objects.all()}
    assert audited == {("plan", "create"), ("target", "create")}
    # Importing again replaces the targets, it does not add to them.
    plans_import(actor=users.province_officer, text=GOOD)
    assert Target.objects.count() == 2


D = "2027-12-31"
BAD_TARGETS: list[dict[str, object]] = [
    {"text_vi": "a", "kind": "indicator_value", "indicator": "khong-co", "value": 5},
    {"text_vi": "b", "kind": "units_meeting", "level": "commune", "set": "khong-co", "value": 5},
    {
        "text_vi": "c",
        "kind": "units_meeting",
        "level": "commune",
        "set": "xa_ntm_2021_2025",
        "criterion": "99.9",
        "value": 5,
    },
    {
        "text_vi": "d",
        "kind": "indicator_value",
        "indicator": "adults-epayment",
        "value": 70,
        "deadline": "2025-01-01",
        "baseline": {"value": 40, "date": "2025-12-31"},
    },
    {"text_vi": "e", "kind": "indicator_value", "indicator": "adults-epayment", "value": 120},
    {
        "text_vi": "f",
        "kind": "units_meeting",
        "level": "commune",
        "indicator": "households-fibre",
        "unit_comparator": "gt",
        "unit_threshold": 150,
        "value": 2,
        "measure": "count",
    },
    {"text_vi": "g", "kind": "indicator_value", "indicator": "households", "value": -3},
    {
        "text_vi": "h",
        "kind": "indicator_value",
        "indicator": "adults-epayment",
        "comparator": "about",
        "value": 50,
    },
    {
        "text_vi": "i",
        "kind": "indicator_value",
        "indicator": "adults-epayment",
        "unit": "99999",
        "value": 50,
    },
    {"text_vi": "j", "kind": "guess", "value": 50},
    {"text_vi": "k", "kind": "activity", "indicator": "adults-epayment", "value": 50},
]


def _flow(target: dict[str, object]) -> str:
    """A target on one line of the file, as the seed files write them."""
    return yaml.safe_dump({"deadline": D} | target, default_flow_style=True, width=10_000).strip()


# One target a line, from line 7.
BAD = (
    "plans:\n"
    "  - code: ke-hoach-xau\n"
    '    title_vi: "Kế hoạch có lỗi"\n'
    '    unit: "37"\n'
    "    period: [2026-01-01, 2027-12-31]\n"
    "    targets:\n"
    + "".join(f"      - {_flow(t)}\n" for t in BAD_TARGETS)
    + "  - code: ke-hoach-don-vi-la\n"
    '    title_vi: "Kế hoạch của đơn vị không có"\n'
    '    unit: "98"\n'
    "    period: [2026-01-01, 2027-12-31]\n"
)


def test_every_bad_entry_is_named_by_line_and_nothing_is_written(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    with pytest.raises(ImportRejected) as refused:
        plans_import(actor=users.province_officer, text=BAD)
    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {
        (7, "indicator"),  # unknown indicator
        (8, "set"),  # unknown set
        (9, "criterion"),  # no such criterion in the set
        (10, "deadline"),  # deadline before the baseline
        (11, "value"),  # a percent above 100
        (12, "unit_threshold"),  # a sub-unit's threshold out of the indicator's range
        (13, "value"),  # a negative count
        (14, "comparator"),  # unknown comparator
        (15, "unit"),  # no unit of that code
        (16, "kind"),  # unknown kind
        (17, "indicator"),  # an activity target on a registry indicator
        (18, "unit"),  # the plan's unit not found
    }
    messages = {(e.row, e.column): e.reason for e in refused.value.errors}
    assert "khong-co" in messages[(7, "indicator")]
    assert "31/12/2025" in messages[(10, "deadline")]
    assert "99999" in messages[(15, "unit")]
    assert Plan.objects.count() == 0
    assert Target.objects.count() == 0


def test_a_commune_officer_may_not_write_the_province_plan(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    with pytest.raises(AccessDenied):
        plans_import(actor=users.officer_a, text=GOOD)
    assert Plan.objects.count() == 0


def test_a_file_that_is_not_yaml_names_its_line(catalogue: None, tree: RegistryTree) -> None:
    with pytest.raises(ImportRejected) as refused:
        plans_import(actor=None, text="plans:\n  - code: [unclosed\n")
    assert refused.value.errors[0].row >= 2
