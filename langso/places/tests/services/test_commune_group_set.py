from __future__ import annotations

import pytest

from langso.accounts.models import User
from langso.core.errors import AccessDenied, DomainError, NotFound
from langso.core.models import AuditEntry
from langso.places.models import AdminUnit, CommuneGroup
from langso.places.selectors import today
from langso.places.services.units import commune_group_set

from ..conftest import Tree

pytestmark = pytest.mark.django_db


def test_province_officer_sets_and_clears_a_group_with_audit(
    tree: Tree, province_officer: User
) -> None:
    """The province puts a commune in a group and can clear it; each change is audited."""
    commune_group_set(actor=province_officer, commune=tree.a, group=CommuneGroup.NHOM_2)
    tree.a.refresh_from_db()
    assert tree.a.commune_group == "NHOM_2"
    commune_group_set(actor=province_officer, commune=tree.a, group="")
    tree.a.refresh_from_db()
    assert tree.a.commune_group == ""
    changes = [e.changes for e in AuditEntry.objects.order_by("pk")]
    assert changes == [
        {"commune_group": ["", "NHOM_2"]},
        {"commune_group": ["NHOM_2", ""]},
    ]


def test_setting_the_same_group_writes_nothing(tree: Tree, central_admin: User) -> None:
    """No change, no audit entry."""
    commune_group_set(actor=central_admin, commune=tree.a, group="")
    assert not AuditEntry.objects.exists()


def test_commune_officer_cannot_set_the_group(tree: Tree, officer_a: User) -> None:
    """The group is the province's decision, not the commune's own."""
    with pytest.raises(AccessDenied):
        commune_group_set(actor=officer_a, commune=tree.a, group="NHOM_1")
    tree.a.refresh_from_db()
    assert tree.a.commune_group == ""


def test_unknown_group_legacy_commune_and_non_commune_are_refused(
    tree: Tree, central_admin: User
) -> None:
    """Only the three groups (or none) on a current commune."""
    with pytest.raises(DomainError, match="không hợp lệ"):
        commune_group_set(actor=central_admin, commune=tree.a, group="NHOM_4")
    with pytest.raises(NotFound):
        commune_group_set(actor=central_admin, commune=tree.province, group="NHOM_1")
    legacy = AdminUnit.objects.get(pk=tree.b.pk)
    legacy.valid_to = today()
    with pytest.raises(DomainError, match="chỉ có hiệu lực đến"):
        commune_group_set(actor=central_admin, commune=legacy, group="NHOM_1")
