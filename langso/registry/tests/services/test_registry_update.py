"""registry_update: the one update of the seven placed registries."""

from __future__ import annotations

from typing import Any

import pytest

from langso.core.errors import AccessDenied
from langso.core.models import AuditEntry
from langso.core.selectors import audit_history
from langso.registry.models import Cooperative
from langso.registry.services.economy import cooperative_create, cooperative_update
from langso.registry.services.placed import RegistryInvalid, registry_create, registry_update
from langso.registry.specs import WIFI_POINT, RegistrySpec
from langso.registry.testing import (
    Points,
    RegistryTree,
    RegistryUsers,
    each_spec,
    good_values,
)

pytestmark = pytest.mark.django_db


def _cooperative(tree: RegistryTree, users: RegistryUsers) -> Cooperative:
    return cooperative_create(
        actor=users.officer_a, values={"name": "HTX Đông Hà", "unit": tree.a1, "members": 7}
    )


def test_only_changed_values_are_audited(tree: RegistryTree, users: RegistryUsers) -> None:
    """The audit entry holds old → new for what changed, and nothing else."""
    cooperative = _cooperative(tree, users)
    cooperative_update(actor=users.officer_a, cooperative=cooperative, changes={"members": 9})
    entry = audit_history(instance=cooperative).first()
    assert entry is not None
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changes == {"members": [7, 9]}
    cooperative.refresh_from_db()
    assert cooperative.members == 9
    assert cooperative.name == "HTX Đông Hà"


def test_an_edit_that_changes_nothing_writes_no_audit_entry(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    cooperative = _cooperative(tree, users)
    cooperative_update(
        actor=users.officer_a, cooperative=cooperative, changes={"name": " HTX Đông Hà "}
    )
    assert audit_history(instance=cooperative).count() == 1


def test_renaming_refreshes_the_search_name(tree: RegistryTree, users: RegistryUsers) -> None:
    """Search ignores diacritics: the folded name follows the name."""
    cooperative = _cooperative(tree, users)
    assert cooperative.search_name == "htx dong ha"
    cooperative_update(
        actor=users.officer_a, cooperative=cooperative, changes={"name": "HTX Đan Phượng"}
    )
    cooperative.refresh_from_db()
    assert cooperative.search_name == "htx dan phuong"


def test_the_key_never_changes(tree: RegistryTree, users: RegistryUsers) -> None:
    cooperative = _cooperative(tree, users)
    with pytest.raises(RegistryInvalid) as refused:
        cooperative_update(
            actor=users.officer_a, cooperative=cooperative, changes={"code": "37001-HTX9999"}
        )
    assert set(refused.value.errors) == {"code"}
    # The same key, typed differently, is no change.
    cooperative_update(
        actor=users.officer_a, cooperative=cooperative, changes={"code": cooperative.code.lower()}
    )


@each_spec
def test_outsiders_may_not_edit(
    spec: RegistrySpec[Any], tree: RegistryTree, users: RegistryUsers
) -> None:
    """The officer of commune B and a digital-team member of A are refused; the row is
    unchanged."""
    row = registry_create(
        spec=spec, actor=users.officer_a, values=good_values(spec, unit=tree.a1) | {"unit": tree.a1}
    )
    for actor in (users.officer_b, users.digital_team_a):
        with pytest.raises(AccessDenied):
            registry_update(spec=spec, actor=actor, instance=row, changes={"unit": tree.a2})
    row.refresh_from_db()
    assert row.village_id == tree.a1.pk


def test_moving_needs_the_right_to_manage_both_units(
    tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """The officer of A may not move a row to commune B; the province officer may, and the
    ancestor columns follow the new unit."""
    row = registry_create(
        spec=WIFI_POINT, actor=users.officer_a, values={"place": "X", "unit": tree.a1}
    )
    with pytest.raises(AccessDenied):
        registry_update(
            spec=WIFI_POINT, actor=users.officer_a, instance=row, changes={"unit": tree.b1}
        )
    registry_update(
        spec=WIFI_POINT,
        actor=users.province_officer,
        instance=row,
        changes={"unit": tree.b1, "location": points.in_b},
    )
    row.refresh_from_db()
    assert (row.commune_id, row.village_id) == (tree.b.pk, tree.b1.pk)
    entry = audit_history(instance=row).first()
    assert entry is not None
    assert entry.changes["unit"] == [tree.a1.code, tree.b1.code]


def test_a_moved_row_must_keep_its_point_inside_the_new_commune(
    tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """Moving from B (no boundary) into A checks the kept point against A's boundary."""
    row = registry_create(
        spec=WIFI_POINT,
        actor=users.province_officer,
        values={"place": "X", "unit": tree.b1, "location": points.outside_a},
    )
    with pytest.raises(RegistryInvalid) as refused:
        registry_update(
            spec=WIFI_POINT, actor=users.province_officer, instance=row, changes={"unit": tree.a1}
        )
    assert set(refused.value.errors) == {"location"}


def test_clearing_the_point(tree: RegistryTree, users: RegistryUsers, points: Points) -> None:
    row = registry_create(
        spec=WIFI_POINT,
        actor=users.officer_a,
        values={"place": "X", "unit": tree.a1, "location": points.inside_a},
    )
    registry_update(
        spec=WIFI_POINT, actor=users.officer_a, instance=row, changes={"location": None}
    )
    row.refresh_from_db()
    assert row.location is None
