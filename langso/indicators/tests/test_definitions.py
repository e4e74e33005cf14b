"""Reading definitions: the shipped file is valid, and each kind of bad definition is
refused with a reason that names the part and the field."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from langso.indicators.definitions import DefinitionError, definition_read
from langso.indicators.services.definitions import SHIPPED


def _registry(**parts: Any) -> dict[str, Any]:
    return {
        "code": "x",
        "name_vi": "X",
        "name_en": "X",
        "unit": "percent",
        "source": "registry",
        "numerator": {"registry": "households", "sum": "adults_epayment"},
        "denominator": {"registry": "households", "sum": "adults"},
    } | parts


def _reasons(raw: dict[str, Any]) -> str:
    with pytest.raises(DefinitionError) as caught:
        definition_read(raw)
    return caught.value.message


def test_every_shipped_definition_reads() -> None:
    entries = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["indicators"]
    codes = [definition_read(raw).code for raw in entries]
    assert len(codes) == len(set(codes)) >= 15


def test_a_registry_definition_gives_its_measures() -> None:
    definition = definition_read(
        _registry(
            denominator={
                "registry": "households",
                "sum": "adults",
                "where": {"adults_epayment": "known"},
            }
        )
    )
    assert definition.numerator is not None
    assert definition.denominator is not None
    assert definition.numerator.code == "sum:adults_epayment"
    assert definition.denominator.code == "sum:adults|known:adults_epayment"


def test_the_same_filter_written_in_another_order_is_the_same_measure() -> None:
    one = definition_read(
        _registry(
            numerator={"registry": "households", "where": {"broadband": "fibre", "has_tv": True}}
        )
    )
    other = definition_read(
        _registry(
            numerator={"registry": "households", "where": {"has_tv": True, "broadband": "fibre"}}
        )
    )
    assert one.numerator == other.numerator
    assert one.numerator is not None
    assert one.numerator.code == "households|broadband=fibre|has_tv"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (
            _registry(numerator={"registry": "households", "sum": "adult_epayment"}),
            "“adult_epayment”",
        ),
        (_registry(numerator={"registry": "farms", "sum": "adults"}), "“farms”"),
        (
            _registry(denominator={"registry": "households", "where": {"wifi": "known"}}),
            "mẫu số: Hộ gia đình không có trường “wifi”",
        ),
        (
            _registry(numerator={"registry": "households", "where": {"broadband": "cable"}}),
            "“broadband” không nhận giá trị cable",
        ),
        (
            _registry(numerator={"registry": "households", "where": {"adults": {"gte": "two"}}}),
            "adults >= …",
        ),
        (_registry(denominator=None), "một tỷ lệ cần mẫu số"),
        (_registry(unit="percents"), "đơn vị “percents”"),
        (_registry(source="rumour"), "nguồn “rumour”"),
        (_registry(colour="red"), "colour"),
        (
            {
                "code": "r",
                "name_vi": "R",
                "name_en": "R",
                "unit": "count",
                "source": "reported",
                "level": "commune",
                "entry": "count",
                "min": 10,
                "max": 5,
            },
            "min lớn hơn max",
        ),
        (
            {
                "code": "r",
                "name_vi": "R",
                "name_en": "R",
                "unit": "percent",
                "source": "reported",
                "level": "district",
                "entry": "fraction",
            },
            "cấp nhập “district”",
        ),
        (
            {
                "code": "a",
                "name_vi": "A",
                "name_en": "A",
                "unit": "count",
                "source": "activity",
                "event": "questions_answered",
            },
            "questions_answered",
        ),
        (
            {
                "code": "a",
                "name_vi": "A",
                "name_en": "A",
                "unit": "percent",
                "source": "activity",
                "event": "residents_trained",
            },
            "chưa có mô-đun nào tính tỷ lệ hoạt động “residents_trained”",
        ),
        (
            {
                "code": "a",
                "name_vi": "A",
                "name_en": "A",
                "unit": "ratio",
                "source": "activity",
                "event": "residents_trained",
            },
            "(unit: count)",
        ),
    ],
)
def test_a_bad_definition_is_refused_with_the_reason(raw: dict[str, Any], reason: str) -> None:
    message = _reasons(raw)
    assert reason in message
    assert f"“{raw['code']}”" in message
