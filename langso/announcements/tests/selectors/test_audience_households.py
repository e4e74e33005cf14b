"""An audience resolves to the active households it names, inside the sender's unit."""

from __future__ import annotations

from langso.registry.models import AquacultureFarm, FishingVessel, Household, HouseholdStatus
from langso.registry.testing import RegistryTree, RegistryUsers, make_household

from ...models import HouseholdGroup
from ...selectors.audience import Audience, audience_households


def _ids(households: list[Household]) -> set[int]:
    return {h.pk for h in households}


def test_a_unit_subtree_keeps_its_active_households(tree: RegistryTree) -> None:
    a1 = make_household(village=tree.a1)
    a2 = make_household(village=tree.a2)
    make_household(village=tree.a1, status=HouseholdStatus.MOVED_AWAY)
    make_household(village=tree.b1)
    found = audience_households(unit=tree.a, audience=Audience(units=(tree.a.pk,)))
    assert _ids(list(found)) == {a1.pk, a2.pk}
    village = audience_households(unit=tree.a, audience=Audience(units=(tree.a2.pk,)))
    assert _ids(list(village)) == {a2.pk}


def test_a_unit_outside_the_senders_unit_adds_nothing(tree: RegistryTree) -> None:
    make_household(village=tree.b1)
    assert not audience_households(unit=tree.a, audience=Audience(units=(tree.b.pk,))).exists()


def test_groups_and_an_explicit_list_are_added_together(tree: RegistryTree) -> None:
    in_group = make_household(village=tree.a1)
    make_household(village=tree.a1)
    named = make_household(village=tree.a2)
    group = HouseholdGroup.objects.create(village=tree.a1, name="Tổ 1")
    group.households.add(in_group)
    found = audience_households(
        unit=tree.a, audience=Audience(groups=(group.pk,), households=(named.pk,))
    )
    assert _ids(list(found)) == {in_group.pk, named.pk}


def test_each_registry_filter_keeps_the_households_with_that_fact(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    owner = make_household(village=tree.a1)
    farmer = make_household(village=tree.a1)
    offline = make_household(village=tree.a1, adults=2, adults_smartphone=0)
    make_household(village=tree.a1, adults=2, adults_smartphone=2)
    place = {"province": tree.province, "commune": tree.a, "village": tree.a1}
    FishingVessel.objects.create(registration_number="NB-90001-TS", owner=owner, **place)
    AquacultureFarm.objects.create(code="NB-F1", household=farmer, **place)
    unit = Audience(units=(tree.a.pk,))

    def kept(*filters: str) -> set[int]:
        audience = Audience(units=unit.units, filters=filters)
        return _ids(list(audience_households(unit=tree.a, audience=audience)))

    assert kept("vessel_owner") == {owner.pk}
    assert kept("aquaculture") == {farmer.pk}
    assert kept("no_smartphone") == {offline.pk}
    assert kept("vessel_owner", "no_smartphone") == set()


def test_an_empty_audience_is_no_household(tree: RegistryTree) -> None:
    make_household(village=tree.a1)
    assert not audience_households(unit=tree.a, audience=Audience()).exists()
