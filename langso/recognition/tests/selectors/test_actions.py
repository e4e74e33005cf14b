"""The actions offered on a dossier: per step, only to the role the procedure names
for it (its preparer for uploads and re-freezing), withdrawal to the commune's leader
while the dossier is open, nothing once it is closed."""

from __future__ import annotations

import pytest

from langso.accounts.models import User
from langso.recognition.models import Dossier
from langso.recognition.selectors.actions import dossier_actions

from ..conftest import (
    World,
    in_appraisal,
    in_consultation,
    in_decision,
    in_submission,
    opened,
    recognised,
)

pytestmark = pytest.mark.django_db


def offered(world: World, dossier: Dossier) -> dict[str, list[str]]:
    users: dict[str, User] = {
        "officer": world.officer,
        "leader": world.leader,
        "appraiser": world.appraiser,
        "province_leader": world.province_leader,
        "leader_b": world.leader_b,
        "appraiser_ha_noi": world.appraiser_ha_noi,
    }
    return {
        name: [a.code for a in dossier_actions(user=user, dossier=dossier)]
        for name, user in users.items()
    }


def expected(**codes: list[str]) -> dict[str, list[str]]:
    names = ("officer", "leader", "appraiser", "province_leader", "leader_b", "appraiser_ha_noi")
    return {name: codes.get(name, []) for name in names}


def test_self_assessment(world: World) -> None:
    assert offered(world, opened(world)) == expected(
        officer=["freeze", "publish"], leader=["withdraw"]
    )


def test_consultation(world: World) -> None:
    assert offered(world, in_consultation(world)) == expected(
        officer=["upload", "close"], leader=["withdraw"]
    )


def test_submission(world: World) -> None:
    """The officer prepares (uploads); the leader uploads and signs off."""
    assert offered(world, in_submission(world)) == expected(
        officer=["upload"], leader=["upload", "submit", "withdraw"]
    )


def test_appraisal_lists_the_snapshots_criteria(world: World) -> None:
    dossier = in_appraisal(world)
    assert offered(world, dossier) == expected(
        appraiser=["findings", "visit", "return", "conclude"], leader=["withdraw"]
    )
    findings = dossier_actions(user=world.appraiser, dossier=dossier)[0]
    assert [c.code for c in findings.criteria] == [str(n) for n in range(1, 11)]


def test_decision(world: World) -> None:
    assert offered(world, in_decision(world)) == expected(
        province_leader=["decide"], leader=["withdraw"]
    )


def test_recognised_offers_revocation_only(world: World) -> None:
    assert offered(world, recognised(world)) == expected(province_leader=["revoke"])


def test_the_upload_form_lists_the_kinds_by_their_names(world: World) -> None:
    upload = dossier_actions(user=world.officer, dossier=in_submission(world))[0]
    assert upload.kinds == (("to_trinh", "Tờ trình của UBND xã"), ("khac", "Tài liệu khác"))
