"""A unit's recognition as a fact: recorded by a decision, revoked by another."""

from __future__ import annotations

import datetime as dt

import pytest

from langso.core.errors import DomainError
from langso.core.models import AuditEntry
from langso.criteria.models import Recognition
from langso.criteria.services import recognition_record, recognition_revoke
from langso.registry.testing import RegistryTree

SET = "xa_ntm_2026_2030"


def _record(tree: RegistryTree, number: str = "12/QĐ-UBND") -> Recognition:
    return recognition_record(
        unit=tree.a,
        set_code=SET,
        year=2026,
        decision_number=number,
        decision_date=dt.date(2026, 5, 4),
        signer="Chủ tịch UBND tỉnh",
    )


def test_a_recognition_is_recorded_with_its_province_and_audited(tree: RegistryTree) -> None:
    recognition = _record(tree)
    assert recognition.province == tree.province
    assert recognition.in_force
    assert AuditEntry.objects.filter(object_id=str(recognition.pk), action="create").exists()


def test_a_recognition_in_force_is_not_recorded_twice(tree: RegistryTree) -> None:
    _record(tree)
    with pytest.raises(DomainError, match="đã được công nhận đạt chuẩn năm 2026"):
        _record(tree, "13/QĐ-UBND")
    assert Recognition.objects.get().decision_number == "12/QĐ-UBND"


def test_a_revoked_recognition_is_revoked_once_and_may_be_granted_again(
    tree: RegistryTree,
) -> None:
    _record(tree)
    revoked = recognition_revoke(
        unit=tree.a,
        set_code=SET,
        year=2026,
        revoked_on=dt.date(2026, 11, 2),
        revocation_number="40/QĐ-UBND",
    )
    assert (revoked.in_force, revoked.revocation_number) == (False, "40/QĐ-UBND")
    with pytest.raises(DomainError, match="không có công nhận đạt chuẩn năm 2026 đang hiệu lực"):
        recognition_revoke(
            unit=tree.a,
            set_code=SET,
            year=2026,
            revoked_on=dt.date(2026, 11, 3),
            revocation_number="41/QĐ-UBND",
        )
    again = _record(tree, "50/QĐ-UBND")
    assert again.pk == revoked.pk
    assert (again.in_force, again.decision_number) == (True, "50/QĐ-UBND")
