"""A loudspeaker notice's audio (/tin-nhan/<id>/loa.mp3 or .ogg): to an officer whose
scope holds the notice's unit, drawn on request and never kept as public media;
refused as missing to anyone else (anonymous readers: tests/flows/test_stored_files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from langso.accounts.roles import Role
from langso.accounts.testing import client_for
from langso.messaging.models import Channel, Message, Purpose
from langso.messaging.services.outbox import Outgoing, message_enqueue
from langso.messaging.testing import audio_seconds, make_officer
from langso.places.models import AdminUnit
from langso.places.testing import UnitTree, make_unit_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> UnitTree:
    return make_unit_tree()


def _notice(unit: AdminUnit, channel: str = Channel.LOUDSPEAKER) -> Message:
    return message_enqueue(
        outgoing=Outgoing(
            idempotency_key=f"announcement:8:{channel}:{unit.pk}",
            channel=channel,
            address="",
            unit_id=unit.pk,
            subject="Tiêm chủng",
            body="Trạm y tế xã tiêm vắc xin sởi cho trẻ em vào ngày 15/12/2026.",
            source="announcement:8",
            purpose=Purpose.ANNOUNCEMENTS,
        )
    )


@pytest.mark.parametrize(("fmt", "content_type"), [("mp3", "audio/mpeg"), ("ogg", "audio/ogg")])
def test_an_officer_in_scope_downloads_a_file_that_plays(
    tree: UnitTree, fmt: str, content_type: str, tmp_path: Path
) -> None:
    """The commune's officer gets the village's notice read out, as an attachment kept
    by no shared cache."""
    commune = tree.communes[0]
    notice = _notice(tree.villages_of(commune)[0])
    officer = make_officer(username="xa", role=Role.COMMUNE_OFFICER, unit=commune)
    response = client_for(officer).get(
        reverse("messaging:loudspeaker-audio", args=(notice.pk, fmt))
    )
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="thong-bao-{notice.pk}.{fmt}"'
    assert response["Cache-Control"] == "private, no-cache"
    assert audio_seconds(response.content, fmt, tmp_path) > 1


def test_readers_in_scope_by_role(tree: UnitTree) -> None:
    """The village head, the province officer and a central admin reach it; the other
    commune's officer and the other village's head do not, and are told it is missing."""
    a, b = tree.communes
    village, other_village = tree.villages_of(a)
    notice = _notice(village)
    expected = {
        make_officer(username="truong-thon", role=Role.VILLAGE_HEAD, unit=village): 200,
        make_officer(username="tinh", role=Role.PROVINCE_OFFICER, unit=tree.province): 200,
        make_officer(username="tw", role=Role.CENTRAL_ADMIN, unit=None): 200,
        make_officer(username="xa-b", role=Role.COMMUNE_OFFICER, unit=b): 404,
        make_officer(username="thon-khac", role=Role.VILLAGE_HEAD, unit=other_village): 404,
    }
    url = reverse("messaging:loudspeaker-audio", args=(notice.pk, "mp3"))
    assert {user: client_for(user).get(url).status_code for user in expected} == expected


def test_only_loudspeaker_messages_are_read_out(tree: UnitTree) -> None:
    """An SMS of the same unit has no audio: missing, as a message that does not exist."""
    commune = tree.communes[0]
    sms = _notice(commune, channel=Channel.SMS)
    officer = make_officer(username="xa", role=Role.COMMUNE_OFFICER, unit=commune)
    client = client_for(officer)
    for pk in (sms.pk, sms.pk + 1000):
        url = reverse("messaging:loudspeaker-audio", args=(pk, "mp3"))
        assert client.get(url).status_code == 404


def test_no_other_format(tree: UnitTree) -> None:
    """Only .mp3 and .ogg are routes."""
    commune = tree.communes[0]
    notice = _notice(commune)
    officer = make_officer(username="xa", role=Role.COMMUNE_OFFICER, unit=commune)
    assert client_for(officer).get(f"/tin-nhan/{notice.pk}/loa.wav").status_code == 404
