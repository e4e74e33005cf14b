"""Periods and reported values: closing a period freezes its figures against later
edits; reported values are checked against their range, level, scope and period, roll
up exactly, and a bad import names its rows and writes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from langso.core.errors import AccessDenied, DomainError, ImportRejected
from langso.indicators.models import ReportedValue
from langso.indicators.selectors import indicator_values, period_parse
from langso.indicators.services.periods import period_close
from langso.indicators.services.reported import reported_value_set, reported_values_import
from langso.registry.services.households import household_create, household_update
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

LAST_YEAR = str(timezone.localdate().year - 1)
THIS_YEAR = str(timezone.localdate().year)


def _value(code: str, unit: Any, period: str) -> Decimal | None:
    [value] = indicator_values(code=code, units=[unit], period=period_parse(period)).values
    return value.value


def test_a_closed_period_keeps_its_figures_when_households_change(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    actor = users.province_officer
    household = household_create(
        actor=actor, village=tree.a1, values={"members": 2, "adults": 2, "adults_epayment": 1}
    )
    period_close(actor=users.central_admin, code=LAST_YEAR)
    household_update(actor=actor, household=household, values={"adults_epayment": 2})
    assert _value("adults-epayment", tree.a, LAST_YEAR) == 50
    assert _value("adults-epayment", tree.a, THIS_YEAR) == 100
    closed = indicator_values(
        code="adults-epayment", units=[tree.province], period=period_parse(LAST_YEAR)
    )
    assert closed.frozen
    assert closed.computed_at == closed.period.closed_at


def test_a_period_closes_once_after_it_ends_and_only_by_a_central_admin(
    users: RegistryUsers, definitions: None
) -> None:
    with pytest.raises(AccessDenied):
        period_close(actor=users.province_officer, code=LAST_YEAR)
    with pytest.raises(DomainError, match="chưa kết thúc"):
        period_close(actor=users.central_admin, code=THIS_YEAR)
    period_close(actor=users.central_admin, code=LAST_YEAR)
    with pytest.raises(DomainError, match="đã chốt"):
        period_close(actor=users.central_admin, code=LAST_YEAR)


def test_a_reported_fraction_rolls_up_and_a_presence_counts_units(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    report: dict[str, Any] = {"code": "work-records-online-commune", "period": THIS_YEAR}
    reported_value_set(actor=users.officer_a, unit=tree.a, numerator=30, denominator=40, **report)
    reported_value_set(actor=users.officer_b, unit=tree.b, numerator=10, denominator=60, **report)
    assert _value("work-records-online-commune", tree.a, THIS_YEAR) == 75
    # The province: 40 of 100 records, not the mean of 75% and 16.7%.
    assert _value("work-records-online-commune", tree.province, THIS_YEAR) == 40
    # Below the level it is entered at, and in another period, there is nothing.
    assert _value("work-records-online-commune", tree.a1, THIS_YEAR) is None
    assert _value("work-records-online-commune", tree.a, LAST_YEAR) is None

    presence: dict[str, Any] = {"code": "village-free-wifi", "period": THIS_YEAR}
    reported_value_set(actor=users.officer_a, unit=tree.a1, numerator=1, **presence)
    reported_value_set(actor=users.officer_a, unit=tree.a2, numerator=0, **presence)
    [value] = indicator_values(
        code="village-free-wifi", units=[tree.province], period=period_parse(THIS_YEAR)
    ).values
    assert value.value == Decimal(50)
    assert value.reports == 2


@pytest.mark.parametrize(
    ("code", "unit", "numerator", "denominator", "reason"),
    [
        ("work-records-online-commune", "a", 50, 40, "lớn hơn mẫu số"),
        ("work-records-online-commune", "a", -1, 40, "không được âm"),
        ("work-records-online-commune", "a", "nhiều", 40, "không phải là số"),
        ("work-records-online-commune", "a1", 1, 2, "cấp xã"),
        ("village-free-wifi", "a1", 2, None, r"1 \(có\) hoặc 0 \(không\)"),
        ("adults-epayment", "a", 1, 2, "không nhập tay"),
    ],
)
def test_a_bad_reported_value_is_refused_with_the_reason(
    tree: RegistryTree,
    users: RegistryUsers,
    definitions: None,
    code: str,
    unit: str,
    numerator: Any,
    denominator: Any,
    reason: str,
) -> None:
    with pytest.raises(DomainError, match=reason):
        reported_value_set(
            actor=users.officer_a,
            code=code,
            unit=getattr(tree, unit),
            period=THIS_YEAR,
            numerator=numerator,
            denominator=denominator,
        )
    assert not ReportedValue.objects.exists()


def test_a_value_outside_the_officers_scope_or_for_a_closed_period_is_refused(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    report: dict[str, Any] = {
        "code": "work-records-online-commune",
        "numerator": 1,
        "denominator": 2,
    }
    with pytest.raises(AccessDenied):
        reported_value_set(actor=users.officer_a, unit=tree.b, period=THIS_YEAR, **report)
    reported_value_set(actor=users.officer_a, unit=tree.a, period=LAST_YEAR, **report)
    period_close(actor=users.central_admin, code=LAST_YEAR)
    with pytest.raises(DomainError, match="đã chốt"):
        reported_value_set(
            actor=users.officer_a, unit=tree.a, period=LAST_YEAR, **report | {"numerator": 2}
        )
    assert ReportedValue.objects.get().numerator == 1


def test_evidence_is_kept_with_the_value(
    tree: RegistryTree, users: RegistryUsers, definitions: None, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    reported = reported_value_set(
        actor=users.officer_a,
        code="postal-service-point",
        unit=tree.a,
        period=THIS_YEAR,
        numerator=1,
        evidence=[SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes")],
    )
    [evidence] = reported.evidence.all()
    assert evidence.name == "bien-ban.pdf"
    assert evidence.file.read() == b"%PDF-1.4 minutes"
    with pytest.raises(DomainError, match="chỉ nhận"):
        reported_value_set(
            actor=users.officer_a,
            code="postal-service-point",
            unit=tree.a,
            period=THIS_YEAR,
            numerator=1,
            evidence=[SimpleUploadedFile("run.exe", b"MZ")],
        )


def test_an_import_with_bad_rows_names_them_and_writes_nothing(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    good = f"{tree.a.code},30,40,\n"
    bad = "Mã đơn vị,Tử số,Mẫu số,Ghi chú\n" + good + "99999,1,2,\n" + f"{tree.b.code},70,60,sai\n"
    with pytest.raises(ImportRejected) as caught:
        reported_values_import(
            actor=users.province_officer,
            code="work-records-online-commune",
            period=THIS_YEAR,
            file=SimpleUploadedFile("so-lieu.csv", bad.encode()),
        )
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "ma_don_vi"), (4, "tu_so")]
    assert "99999" in caught.value.errors[0].reason
    assert not ReportedValue.objects.exists()
    stored = reported_values_import(
        actor=users.province_officer,
        code="work-records-online-commune",
        period=THIS_YEAR,
        file=SimpleUploadedFile("so-lieu.csv", ("Mã đơn vị,Tử số,Mẫu số\n" + good).encode()),
    )
    assert stored == 1
    assert _value("work-records-online-commune", tree.a, THIS_YEAR) == 75
