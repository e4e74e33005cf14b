"""Self-management groups: named once per village, holding only the village's active
households; a code from elsewhere is named and nothing is added."""

from __future__ import annotations

import pytest

from langso.core.errors import AccessDenied, FieldsInvalid
from langso.registry.testing import RegistryTree, RegistryUsers, make_household

from ...services.groups import household_group_add, household_group_create


def test_a_group_takes_the_villages_households_and_refuses_others(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    ours = make_household(village=tree.a1)
    theirs = make_household(village=tree.a2)
    group = household_group_create(actor=users.village_head_a1, village=tree.a1, name="Tổ 1")
    with pytest.raises(FieldsInvalid) as refused:
        household_group_add(
            actor=users.village_head_a1,
            group=group,
            address_codes=[ours.address_code, theirs.address_code],
        )
    assert refused.value.errors["households"] == (
        f"Không có hộ mã {theirs.address_code} trong thôn {tree.a1.name}."
    )
    assert not group.households.exists()
    added = household_group_add(
        actor=users.village_head_a1, group=group, address_codes=[ours.address_code.lower()]
    )
    assert added == 1
    assert list(group.households.all()) == [ours]


def test_a_name_is_used_once_per_village_and_other_villages_are_closed(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_group_create(actor=users.officer_a, village=tree.a1, name="Tổ 1")
    with pytest.raises(FieldsInvalid, match="Thôn đã có tổ tên “Tổ 1”"):
        household_group_create(actor=users.officer_a, village=tree.a1, name="Tổ 1")
    household_group_create(actor=users.officer_a, village=tree.a2, name="Tổ 1")
    with pytest.raises(AccessDenied):
        household_group_create(actor=users.village_head_a1, village=tree.a2, name="Tổ 2")
