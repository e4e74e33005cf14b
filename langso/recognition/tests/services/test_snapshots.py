"""The frozen self-assessment: its content in the agreed format, its hash, its evidence
copies; later data changes never alter it, and the live evaluation beside it shows what
changed."""

from __future__ import annotations

import hashlib
import json

import pytest

from langso.core.errors import AccessDenied, DomainError
from langso.criteria.models import CriteriaSet
from langso.criteria.services import assessment_record
from langso.criteria.testing import NATIONAL_2026
from langso.recognition.models import Snapshot, SnapshotFile
from langso.recognition.selectors.dossiers import snapshot_changes, snapshot_verify
from langso.recognition.services.appraisal import dossier_return
from langso.recognition.services.dossiers import dossier_publish, snapshot_freeze
from langso.registry.testing import create_household

from ..conftest import YEAR, World, in_appraisal, in_consultation, opened


def _canonical_sha256(content: dict[str, object]) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_snapshot_holds_the_evaluation_in_the_agreed_format(world: World) -> None:
    snapshot = snapshot_freeze(actor=world.officer, dossier=opened(world))
    content = snapshot.content
    assert content["format"] == 1
    assert (content["dossier"], content["number"]) == (snapshot.dossier_id, 1)
    assert content["unit"] == {
        "id": world.a.pk,
        "code": world.a.code,
        "name": world.a.name,
        "label": f"{world.a.name}, Tỉnh Ninh Bình",
        "level": "commune",
    }
    assert content["set"]["code"] == NATIONAL_2026
    assert content["set"]["province"] is None
    assert (content["year"], content["period"], content["status"]) == (YEAR, "2026", "pass")
    assert (content["passed"], content["total"]) == (10, 10)
    first = content["criteria"][0]["indicators"][0]
    assert first["kind"] == "assessed"
    assert first["assessment"]["verdict"] == "pass"
    assert first["assessment"]["evidence"][0]["name"] == "bien-ban.pdf"
    assert content["satisfaction"]["status"] == "pass"
    assert content["satisfaction"]["threshold"] == "70"
    assert snapshot.sha256 == _canonical_sha256(content)
    frozen = SnapshotFile.objects.get(snapshot=snapshot)
    assert frozen.sha256 == first["assessment"]["evidence"][0]["sha256"]
    assert snapshot_verify(snapshot)


def test_later_changes_leave_the_snapshot_and_its_hash_and_the_live_view_shows_them(
    world: World,
) -> None:
    """A household added and an assessment turned to "not met" after freezing: the
    stored content and hash are unchanged and still verify; `snapshot_changes` names
    the criterion whose status moved."""
    dossier = in_consultation(world)
    snapshot = dossier.snapshots.get()
    content, sha256 = snapshot.content, snapshot.sha256
    create_household(actor=world.officer, village=world.ninh_binh.villages_of(world.a)[0])
    assessment_record(
        actor=world.officer,
        criteria_set=CriteriaSet.objects.get(code=NATIONAL_2026, province=None),
        indicator_code="3",
        unit=world.a,
        year=YEAR,
        verdict="fail",
        note="Thu nhập chưa đạt",
    )
    snapshot = Snapshot.objects.get(pk=snapshot.pk)
    assert (snapshot.content, snapshot.sha256) == (content, sha256)
    assert snapshot_verify(snapshot)
    changes = snapshot_changes(snapshot)
    assert [(c.code, c.frozen_status, c.live_status) for c in changes] == [("3", "pass", "fail")]


def test_a_tampered_content_fails_verification(world: World) -> None:
    snapshot = snapshot_freeze(actor=world.officer, dossier=opened(world))
    content = dict(snapshot.content, passed=9)
    Snapshot.objects.filter(pk=snapshot.pk).update(content=content)
    assert not snapshot_verify(Snapshot.objects.get(pk=snapshot.pk))


def test_a_replaced_evidence_copy_fails_verification(world: World) -> None:
    snapshot = snapshot_freeze(actor=world.officer, dossier=opened(world))
    frozen = snapshot.files.get()
    with frozen.file.open("wb") as handle:
        handle.write(b"%PDF-1.4 another file")
    assert not snapshot_verify(Snapshot.objects.get(pk=snapshot.pk))


def test_a_stored_snapshot_refuses_an_update(world: World) -> None:
    snapshot = snapshot_freeze(actor=world.officer, dossier=opened(world))
    snapshot.content = {"format": 1}
    with pytest.raises(DomainError, match="không được sửa"):
        snapshot.save()
    assert Snapshot.objects.get(pk=snapshot.pk).content["total"] == 10


def test_freezing_again_adds_the_next_snapshot(world: World) -> None:
    dossier = opened(world)
    first = snapshot_freeze(actor=world.officer, dossier=dossier)
    second = snapshot_freeze(actor=world.officer, dossier=dossier)
    assert (first.number, second.number) == (1, 2)
    assert first.sha256 != second.sha256


def test_freezing_is_refused_to_other_roles_and_after_publishing(world: World) -> None:
    dossier = opened(world)
    with pytest.raises(AccessDenied, match="Cán bộ xã"):
        snapshot_freeze(actor=world.leader, dossier=dossier)
    dossier_publish(actor=world.officer, dossier=dossier)
    with pytest.raises(DomainError, match="không thể chốt kết quả tự đánh giá"):
        snapshot_freeze(actor=world.officer, dossier=dossier)


def test_during_a_supplement_round_the_commune_refreezes(world: World) -> None:
    """The supplement's preparer (or its actor) freezes anew; the province does not."""
    dossier = dossier_return(
        actor=world.appraiser, dossier=in_appraisal(world), supplements=["Biên bản"]
    )
    with pytest.raises(AccessDenied, match="Bước này do Cán bộ xã hoặc Lãnh đạo UBND xã"):
        snapshot_freeze(actor=world.appraiser, dossier=dossier)
    assert snapshot_freeze(actor=world.leader, dossier=dossier).number == 2
