"""Choropleth values: quantile and fixed-break classes, no data apart from zero, the
user's scope, statuses as classes, and a query count that does not grow with units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from langso.accounts.selectors import role_cache_clear
from langso.core.errors import DomainError, NotFound
from langso.dashboards.selectors.choropleth import (
    NO_DATA_COLOR,
    SEQUENTIAL,
    MapRequest,
    choropleth_values,
    quantile_breaks,
)
from langso.indicators.selectors import period_parse
from langso.places.models import AdminUnit, Level
from langso.registry.services.households import household_create
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db


def _request(year: str = "2026", **fields: object) -> MapRequest:
    return MapRequest(period=period_parse(year), **fields)  # type: ignore[arg-type]  # test shorthand


@pytest.fixture
def counted(tree: RegistryTree, users: RegistryUsers, definitions: None) -> None:
    """A1: 3 of 4 adults pay online (75 %); A2: 0 of 2 (0 %); B1, B2: no household."""
    actor = users.province_officer
    household_create(
        actor=actor, village=tree.a1, values={"members": 4, "adults": 4, "adults_epayment": 3}
    )
    household_create(
        actor=actor, village=tree.a2, values={"members": 2, "adults": 2, "adults_epayment": 0}
    )


def test_quantile_breaks_of_ten_values_make_five_classes() -> None:
    numbers = [Decimal(n) for n in range(1, 11)]
    assert quantile_breaks(numbers) == [2, 4, 6, 8, 10]
    # Ties merge: fewer classes, never an empty one.
    assert quantile_breaks([Decimal(5)] * 7) == [5]
    assert quantile_breaks([]) == []


def test_zero_is_a_class_and_no_data_is_apart(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    """The villages of the province: A2's 0 % is the lowest class, coloured as such;
    B1 and B2 (no household) are no data, grey, with no class."""
    result = choropleth_values(
        user=users.province_officer,
        request=_request(indicator="adults-epayment", unit=tree.province, level=Level.VILLAGE),
    )
    by_code = {v.unit.code: v for v in result.values}
    assert [c.upper for c in result.classes] == [0, 75]
    assert (by_code[tree.a2.code].value, by_code[tree.a2.code].index) == (Decimal(0), 0)
    assert by_code[tree.a2.code].color == SEQUENTIAL[2][0]
    assert by_code[tree.a1.code].index == 1
    assert by_code[tree.a1.code].label == "75 %"
    for code in (tree.b1.code, tree.b2.code):
        assert (by_code[code].value, by_code[code].index) == (None, None)
        assert by_code[code].color == NO_DATA_COLOR
        assert by_code[code].label == "Không có dữ liệu"
    assert result.no_data_count == 2
    assert [c.count for c in result.classes] == [1, 1]


def test_no_value_at_all_makes_no_class(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    result = choropleth_values(
        user=users.province_officer, request=_request(indicator="adults-epayment")
    )
    assert result.classes == []
    assert [v.label for v in result.values] == ["Không có dữ liệu"] * 2


def test_fixed_breaks_open_their_class(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    result = choropleth_values(
        user=users.province_officer,
        request=_request(
            indicator="adults-epayment",
            unit=tree.a,
            breaks=(Decimal(25), Decimal(50), Decimal(75)),
        ),
    )
    assert result.method == "breaks"
    assert [c.label for c in result.classes] == [
        "dưới 25 %",
        "từ 25 % đến dưới 50 %",
        "từ 50 % đến dưới 75 %",
        "từ 75 % trở lên",
    ]
    by_code = {v.unit.code: v.index for v in result.values}
    assert by_code == {tree.a1.code: 3, tree.a2.code: 0}
    with pytest.raises(DomainError, match="tăng dần"):
        choropleth_values(
            user=users.province_officer,
            request=_request(indicator="adults-epayment", breaks=(Decimal(50), Decimal(20))),
        )


def test_the_province_officer_maps_the_communes_by_default(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    result = choropleth_values(
        user=users.province_officer, request=_request(indicator="adults-epayment")
    )
    assert result.parent == tree.province
    assert result.level == Level.COMMUNE
    assert [v.unit.code for v in result.values] == [tree.a.code, tree.b.code]
    # A has its boundary; B is drawn as its approximate area.
    assert [v.approximate for v in result.values] == [False, True]


def test_a_commune_officer_sees_only_the_commune(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    result = choropleth_values(user=users.officer_a, request=_request(indicator="adults-epayment"))
    assert (result.parent, result.level) == (tree.a, Level.VILLAGE)
    assert {v.unit.code for v in result.values} == {tree.a1.code, tree.a2.code}
    with pytest.raises(NotFound):
        choropleth_values(
            user=users.officer_a, request=_request(indicator="adults-epayment", unit=tree.province)
        )
    with pytest.raises(NotFound):
        choropleth_values(user=users.nobody, request=_request(indicator="adults-epayment"))


def test_a_central_admin_maps_the_country(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    provinces = choropleth_values(
        user=users.central_admin, request=_request(indicator="adults-epayment")
    )
    assert (provinces.parent, provinces.level) == (None, Level.PROVINCE)
    assert [v.unit.code for v in provinces.values] == [tree.province.code]
    communes = choropleth_values(
        user=users.central_admin, request=_request(indicator="adults-epayment", level="commune")
    )
    assert len(communes.values) == 2


def test_bad_requests_are_refused_with_the_reason(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    officer = users.province_officer
    with pytest.raises(NotFound, match="nope"):
        choropleth_values(user=officer, request=_request(indicator="nope"))
    with pytest.raises(DomainError, match="Chọn một chỉ số"):
        choropleth_values(user=officer, request=_request())
    with pytest.raises(DomainError, match="cấp thấp hơn"):
        choropleth_values(
            user=officer, request=_request(indicator="households", unit=tree.a, level="commune")
        )
    with pytest.raises(NotFound, match="nope"):
        choropleth_values(user=officer, request=_request(criteria_set="nope"))


def test_set_statuses_are_classes_and_wards_are_not_judged(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    """The communes against the NTM set: each in a status class (đạt / chưa đạt /
    thiếu dữ liệu), a ward (phường) in none."""
    from langso.criteria.services import criteria_catalogue_load

    criteria_catalogue_load()
    AdminUnit.objects.filter(pk=tree.b.pk).update(kind="phuong")
    result = choropleth_values(
        user=users.province_officer, request=_request("2025", criteria_set="xa_ntm_2021_2025")
    )
    assert result.method == "categories"
    assert [c.label for c in result.classes] == ["Đạt", "Chưa đạt", "Thiếu dữ liệu"]
    a, b = result.values
    assert a.index is not None
    assert a.label in {"Đạt", "Chưa đạt", "Thiếu dữ liệu"}
    assert (b.index, b.label) == (None, "Không thuộc diện xét")
    criterion = choropleth_values(
        user=users.province_officer,
        request=_request("2025", criteria_set="xa_ntm_2021_2025", criterion="8"),
    )
    assert criterion.subject == "criterion"
    assert criterion.title.startswith("8. ")
    with pytest.raises(NotFound, match="99"):
        choropleth_values(
            user=users.province_officer,
            request=_request("2025", criteria_set="xa_ntm_2021_2025", criterion="99"),
        )


def _queries(users: RegistryUsers) -> int:
    role_cache_clear(user=users.central_admin)
    with CaptureQueriesContext(connection) as queries:
        choropleth_values(
            user=users.central_admin,
            request=_request(indicator="adults-epayment", level="commune"),
        )
    return len(queries)


def test_the_query_count_does_not_grow_with_units(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    """Nationwide communes: the same queries for two communes as for forty."""
    few = _queries(users)
    for number in range(40):
        AdminUnit.objects.create(
            code=f"9{number:04d}",
            name=f"Xã thử {number}",
            level=Level.COMMUNE,
            kind="xa",
            parent=tree.province,
            province=tree.province,
        )
    assert _queries(users) == few
