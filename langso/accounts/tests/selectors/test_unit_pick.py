"""The unit picker's reads: the suggestions are the user's own current units, searched
by name; a picker's text (a label, a name, a code) names one unit in scope or is refused
with a Vietnamese reason."""

from __future__ import annotations

import pytest

from langso.accounts.roles import Permission
from langso.accounts.selectors import unit_label, unit_pick_list, unit_pick_resolve
from langso.core.errors import DomainError, NotFound
from langso.places.models import Level

from ..conftest import Holders, Units

ALL_LEVELS = (Level.PROVINCE, Level.COMMUNE, Level.VILLAGE)


def test_a_unit_is_labelled_with_its_commune_and_province(units: Units) -> None:
    assert unit_label(units.a1) == "Thôn 1 Ninh Bình 1, Xã Ninh Bình 1, Tỉnh Ninh Bình"
    assert unit_label(units.a) == "Xã Ninh Bình 1, Tỉnh Ninh Bình"
    assert unit_label(units.province) == "Tỉnh Ninh Bình"


@pytest.mark.parametrize(
    ("holder", "expected"),
    [
        ("commune_officer", {"a", "a1", "a2"}),
        ("village_head", {"a1"}),
        ("province_officer", {"province", "a", "b", "a1", "a2", "b1", "b2"}),
        ("nobody", set()),
    ],
)
def test_suggestions_are_the_users_own_units(
    units: Units, holders: Holders, holder: str, expected: set[str]
) -> None:
    """Each role is offered its subtree and nothing outside it (never Hà Nội)."""
    offered = unit_pick_list(
        user=holders.of(holder), permission=Permission.VIEW_SCOPED, levels=ALL_LEVELS
    )
    b2 = units.ninh_binh.villages_of(units.b)[1]
    names = {"province": units.province, "a": units.a, "b": units.b, "a1": units.a1}
    names |= {"a2": units.a2, "b1": units.b1, "b2": b2}
    assert {u.pk for u in offered} == {names[key].pk for key in expected}


def test_suggestions_follow_the_permission_and_levels(units: Units, holders: Holders) -> None:
    """A team member sees commune A but keeps no registries; levels narrow the list;
    provinces come first, then communes, then villages."""
    member = holders.digital_team_member
    assert (
        unit_pick_list(user=member, permission=Permission.MANAGE_REGISTRIES, levels=ALL_LEVELS)
        == []
    )
    officer = holders.province_officer
    villages = unit_pick_list(
        user=officer, permission=Permission.VIEW_SCOPED, levels=[Level.VILLAGE]
    )
    assert {u.level for u in villages} == {Level.VILLAGE}
    levels = [
        u.level
        for u in unit_pick_list(user=officer, permission=Permission.VIEW_SCOPED, levels=ALL_LEVELS)
    ]
    rank = {Level.PROVINCE: 0, Level.COMMUNE: 1, Level.VILLAGE: 2}
    assert levels == sorted(levels, key=lambda level: rank[Level(level)])


def test_search_by_name_without_diacritics_or_by_code(units: Units, holders: Holders) -> None:
    officer = holders.province_officer
    found = unit_pick_list(
        user=officer, permission=Permission.VIEW_SCOPED, levels=ALL_LEVELS, q="thon 1 ninh binh 2"
    )
    assert found == [units.b1]
    by_code = unit_pick_list(
        user=officer, permission=Permission.VIEW_SCOPED, levels=ALL_LEVELS, q=units.a2.code
    )
    assert by_code == [units.a2]


def test_text_resolves_to_one_unit_in_scope(units: Units, holders: Holders) -> None:
    """A label, a label typed without diacritics, a name only one unit has, or a code."""
    officer = holders.province_officer

    def resolve(text: str) -> object:
        return unit_pick_resolve(
            user=officer, permission=Permission.VIEW_SCOPED, levels=ALL_LEVELS, text=text
        )

    assert resolve(unit_label(units.a1)) == units.a1
    assert resolve("thon 2 ninh binh 1, xa ninh binh 1, tinh ninh binh") == units.a2
    assert resolve("Thôn 1 Ninh Bình 2") == units.b1
    assert resolve(units.b.code) == units.b
    assert resolve("  ") is None


def test_text_outside_scope_or_matching_several_is_refused(units: Units, holders: Holders) -> None:
    """Outside the scope (by code or by name) reads like nothing there; a name several
    units share asks for one of the suggestions, giving an example."""
    officer = holders.commune_officer

    def resolve(text: str) -> object:
        return unit_pick_resolve(
            user=officer, permission=Permission.VIEW_SCOPED, levels=ALL_LEVELS, text=text
        )

    for outside in (units.b.code, units.b.name, units.c.name, "Không có"):
        with pytest.raises(NotFound, match="trong phạm vi của bạn"):
            resolve(outside)
    with pytest.raises(DomainError, match="Có nhiều đơn vị khớp") as refused:
        resolve("Thôn")
    assert unit_label(units.a1) in refused.value.message
