"""Revoking roles: one may take back only what one could have granted."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from langso.accounts.models import RoleAssignment
from langso.accounts.roles import Role
from langso.accounts.services import role_revoke
from langso.core.errors import AccessDenied, DomainError
from langso.core.models import AuditEntry
from langso.places.models import LEGACY_VALID_TO
from langso.places.testing import make_commune, make_district, make_province

from ..conftest import Holders, Units
from ..factories import make_role, make_user


def test_commune_officer_revokes_inside_their_commune(units: Units, holders: Holders) -> None:
    """The village head's role goes; the audit trail keeps who held what, and who took it."""
    assignment = RoleAssignment.objects.get(user=holders.village_head)
    pk = assignment.pk
    role_revoke(actor=holders.commune_officer, assignment=assignment)
    assert not RoleAssignment.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(RoleAssignment), object_id=str(pk)
    )
    assert entry.action == AuditEntry.Action.DELETE
    assert entry.actor == holders.commune_officer
    assert entry.changes["role"] == [Role.VILLAGE_HEAD, None]
    assert not holders.village_head.has_perm("view_scoped", units.a1)


def test_commune_officer_cannot_revoke_on_another_commune(units: Units, holders: Holders) -> None:
    """An assignment on commune B stays."""
    on_b = make_role(user=make_user(), role=Role.COMMUNE_OFFICER, unit=units.b)
    with pytest.raises(AccessDenied):
        role_revoke(actor=holders.commune_officer, assignment=on_b)
    assert RoleAssignment.objects.filter(pk=on_b.pk).exists()


def test_commune_officer_cannot_revoke_a_province_officer(holders: Holders) -> None:
    """A role above one's own cannot be taken back either."""
    assignment = RoleAssignment.objects.get(user=holders.province_officer)
    with pytest.raises(AccessDenied):
        role_revoke(actor=holders.commune_officer, assignment=assignment)


def test_province_officer_cannot_revoke_a_central_admin(holders: Holders) -> None:
    """Nationwide roles are a central admin's business."""
    assignment = RoleAssignment.objects.get(user=holders.central_admin)
    with pytest.raises(AccessDenied):
        role_revoke(actor=holders.province_officer, assignment=assignment)


def test_revoking_twice_is_a_domain_error(holders: Holders) -> None:
    """A second revoke of the same assignment says it is already gone."""
    assignment = RoleAssignment.objects.get(user=holders.village_head)
    stale = RoleAssignment.objects.get(pk=assignment.pk)
    role_revoke(actor=holders.commune_officer, assignment=assignment)
    with pytest.raises(DomainError, match="đã được thu hồi"):
        role_revoke(actor=holders.commune_officer, assignment=stale)


def test_role_on_an_abolished_unit_can_still_be_revoked(holders: Holders) -> None:
    """A role left on a commune abolished by the 2025 merger is taken back, not stuck."""
    legacy_province = make_province(code="35", name="Tỉnh Hà Nam", valid_to=LEGACY_VALID_TO)
    district = make_district(province=legacy_province, code="347", name="Huyện Thanh Liêm")
    legacy_commune = make_commune(
        province=legacy_province, district=district, code="13456", name="Xã Liêm Cần"
    )
    stale = make_role(user=make_user(), role=Role.COMMUNE_OFFICER, unit=legacy_commune)
    role_revoke(actor=holders.central_admin, assignment=stale)
    assert not RoleAssignment.objects.filter(pk=stale.pk).exists()
