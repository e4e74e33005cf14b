"""A province's own procedure: a variant adopted from YAML and a satisfaction threshold
entered, each the next version of the province's own, which `procedure_in_force` then
picks for its units; refused without the permission or outside the province."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from langso.accounts.tests.factories import make_role_holder
from langso.core.errors import AccessDenied, DomainError, ImportRejected
from langso.core.models import AuditEntry
from langso.criteria.models import FactStatus, Origin
from langso.places.testing import make_province
from langso.recognition.models import Procedure
from langso.recognition.selectors.procedures import (
    procedure_in_force,
    procedure_spec,
    procedure_yaml,
    procedures_for,
)
from langso.recognition.services.procedures import (
    procedure_threshold_set,
    procedure_variant_save,
)
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

CODE = "cong_nhan_xa_2026_2030"


def _national() -> Procedure:
    return Procedure.objects.get(code=CODE, province=None)


def _variant_text(deadline: int = 10) -> str:
    """The national procedure as downloaded, with the province's shorter appraisal."""
    text = procedure_yaml(_national())
    document = yaml.safe_load(text)
    document["procedures"][0]["steps"]["appraisal"]["deadline_working_days"] = deadline
    document["procedures"][0]["steps"]["appraisal"]["deadline_status"] = "provincial"
    return yaml.safe_dump(document, allow_unicode=True)


def test_a_province_adopts_its_variant_and_its_units_go_through_it(
    procedures: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    saved = procedure_variant_save(
        actor=users.province_officer, province=tree.province, text=_variant_text()
    )
    assert (saved.code, saved.province, saved.version, saved.origin) == (
        CODE,
        tree.province,
        1,
        Origin.IMPORTED,
    )
    assert procedure_spec(saved).step("appraisal").deadline_working_days == 10
    assert procedure_in_force(set_code="xa_ntm_2026_2030", unit=tree.a) == saved
    assert saved in procedures_for(province=tree.province)
    assert _national() in procedures_for(province=None)
    assert _national() not in procedures_for(province=tree.province)
    # The same text again adds nothing.
    again = procedure_variant_save(
        actor=users.province_officer, province=tree.province, text=_variant_text()
    )
    assert again == saved
    assert Procedure.objects.filter(province=tree.province).count() == 1
    assert AuditEntry.objects.filter(
        object_id=str(saved.pk), action=AuditEntry.Action.CREATE, actor=users.province_officer
    ).exists()


def test_a_bad_variant_is_refused_by_line_and_saves_nothing(
    procedures: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    text = _variant_text().replace("actor: province_leader", "actor: province_boss", 1)
    with pytest.raises(ImportRejected) as caught:
        procedure_variant_save(actor=users.province_officer, province=tree.province, text=text)
    assert any(e.column == "actor" and e.row > 0 for e in caught.value.errors)
    assert not Procedure.objects.filter(province=tree.province).exists()


def test_a_province_enters_an_unknown_satisfaction_threshold(
    procedures: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    assert procedure_spec(_national()).satisfaction["xa_ntm_2026_2030"].threshold is None
    saved = procedure_threshold_set(
        actor=users.province_officer,
        province=tree.province,
        procedure=_national(),
        set_code="xa_ntm_2026_2030",
        threshold=Decimal("70"),
        note="Quyết định 12/2026/QĐ-UBND",
    )
    satisfaction = procedure_spec(saved).satisfaction["xa_ntm_2026_2030"]
    assert (satisfaction.threshold, satisfaction.status, satisfaction.note) == (
        Decimal("70"),
        FactStatus.PROVINCIAL,
        "Quyết định 12/2026/QĐ-UBND",
    )
    assert saved.spec["satisfaction"]["xa_ntm_2026_2030"]["threshold"] == "70"
    assert procedure_in_force(set_code="xa_ntm_2026_2030", unit=tree.a) == saved
    # A change is the next version; the national one is untouched.
    changed = procedure_threshold_set(
        actor=users.province_officer,
        province=tree.province,
        procedure=saved,
        set_code="xa_ntm_2026_2030",
        threshold=Decimal("72.5"),
        note="",
    )
    assert changed.version == 2
    assert procedure_spec(changed).satisfaction["xa_ntm_2026_2030"].threshold == Decimal("72.5")
    assert procedure_in_force(set_code="xa_ntm_2026_2030", unit=tree.a) == changed
    assert procedure_spec(_national()).satisfaction["xa_ntm_2026_2030"].threshold is None


@pytest.mark.parametrize("threshold", ["-1", "100.5", "NaN"])
def test_a_threshold_outside_0_to_100_is_refused(
    procedures: None, tree: RegistryTree, users: RegistryUsers, threshold: str
) -> None:
    with pytest.raises(DomainError, match="từ 0 đến 100"):
        procedure_threshold_set(
            actor=users.province_officer,
            province=tree.province,
            procedure=_national(),
            set_code="xa_ntm_2026_2030",
            threshold=Decimal(threshold),
            note="",
        )
    assert not Procedure.objects.filter(province=tree.province).exists()


def test_a_set_the_procedure_does_not_cover_is_refused(
    procedures: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    with pytest.raises(DomainError, match="không áp dụng"):
        procedure_threshold_set(
            actor=users.province_officer,
            province=tree.province,
            procedure=_national(),
            set_code="xa_ntm_2021_2025",
            threshold=Decimal("80"),
            note="",
        )


def test_without_the_permission_or_outside_the_province_it_is_refused(
    procedures: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    other = make_province(code="38", name="Tỉnh Thanh Hóa")
    outsider = make_role_holder("province_officer", other, "canbo.thanhhoa")
    appraiser = make_role_holder("province_appraiser", tree.province, "thamdinh.ninhbinh")
    for actor in (users.officer_a, outsider, appraiser):
        with pytest.raises(AccessDenied):
            procedure_variant_save(actor=actor, province=tree.province, text=_variant_text())
        with pytest.raises(AccessDenied):
            procedure_threshold_set(
                actor=actor,
                province=tree.province,
                procedure=_national(),
                set_code="xa_ntm_2026_2030",
                threshold=Decimal("70"),
                note="",
            )
    own = procedure_threshold_set(
        actor=outsider,
        province=other,
        procedure=_national(),
        set_code="xa_ntm_2026_2030",
        threshold=Decimal("75"),
        note="",
    )
    # A province's version is never the base of another province's.
    with pytest.raises(DomainError, match="tỉnh khác"):
        procedure_threshold_set(
            actor=users.province_officer,
            province=tree.province,
            procedure=own,
            set_code="xa_ntm_2026_2030",
            threshold=Decimal("70"),
            note="",
        )
    assert not Procedure.objects.filter(province=tree.province).exists()
