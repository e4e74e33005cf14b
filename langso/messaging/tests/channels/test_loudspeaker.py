"""The loudspeaker adapter: the notice is read out and uploaded to the commune's IP
loudspeaker system (a local HTTP server here) as a multipart POST with its token; a
commune without a working system keeps the file for download only."""

from __future__ import annotations

from pathlib import Path

import pytest

from langso.messaging.models import (
    AudioFormat,
    Channel,
    Loudspeaker,
    Message,
    MessageStatus,
    Priority,
    Purpose,
)
from langso.messaging.services.outbox import Outgoing, message_enqueue, outbox_dispatch
from langso.messaging.testing import Gateway, audio_seconds
from langso.places.models import AdminUnit
from langso.places.testing import UnitTree, make_unit_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> UnitTree:
    return make_unit_tree()


def _queue(unit: AdminUnit, key: str = "announcement:5:loudspeaker") -> Message:
    return message_enqueue(
        outgoing=Outgoing(
            idempotency_key=key,
            channel=Channel.LOUDSPEAKER,
            address="",
            unit_id=unit.pk,
            subject="Cảnh báo bão",
            body="Bão số 9 đổ bộ đêm nay, các hộ gia cố nhà cửa, tàu thuyền vào nơi trú ẩn.",
            source="announcement:5",
            purpose=Purpose.WARNINGS,
            priority=Priority.WARNING,
        )
    )


def _sent(message: Message) -> Message:
    outbox_dispatch(channel=Channel.LOUDSPEAKER)
    message.refresh_from_db()
    return message


@pytest.mark.parametrize("fmt", [AudioFormat.MP3, AudioFormat.OGG])
def test_the_notice_is_uploaded_to_the_communes_system(
    tree: UnitTree, gateway: Gateway, fmt: str, tmp_path: Path
) -> None:
    """A village's notice goes to its commune's system: multipart with the token, the
    title and a file in the system's format that plays for more than a second."""
    commune = tree.communes[0]
    Loudspeaker.objects.create(
        unit=commune, upload_url=f"{gateway.url}/api/upload", token="loa-xyz", audio_format=fmt
    )
    gateway.answer(200, {"id": "upl-7"})
    message = _sent(_queue(tree.villages_of(commune)[0]))

    (request,) = gateway.received
    assert request.path == "/api/upload"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    form = request.form()
    assert form["token"][1] == b"loa-xyz"
    assert form["title"][1].decode() == "Cảnh báo bão"
    name, content, content_type = form["file"]
    assert name == f"thong-bao-{message.pk}.{fmt}"
    assert content_type == {"mp3": "audio/mpeg", "ogg": "audio/ogg"}[fmt]
    assert audio_seconds(content, fmt, tmp_path) > 1
    assert message.status == MessageStatus.ACCEPTED
    assert message.provider_ref == "upl-7"


def test_a_commune_without_a_working_system_only_keeps_the_file(
    tree: UnitTree, gateway: Gateway
) -> None:
    """No system, or one switched off: nothing uploaded, the message accepted (its file
    is downloadable)."""
    other = tree.communes[1]
    Loudspeaker.objects.create(unit=other, upload_url=f"{gateway.url}/up", enabled=False)
    none = _sent(_queue(tree.communes[0], key="k1"))
    off = _sent(_queue(other, key="k2"))
    assert gateway.received == []
    assert none.status == off.status == MessageStatus.ACCEPTED


def test_a_busy_system_is_retried_and_a_refusal_is_dead(tree: UnitTree, gateway: Gateway) -> None:
    """503: tried again later; 403 (a wrong token): dead, said in Vietnamese."""
    a, b = tree.communes
    Loudspeaker.objects.create(unit=a, upload_url=f"{gateway.url}/a")
    Loudspeaker.objects.create(unit=b, upload_url=f"{gateway.url}/b")
    gateway.answer(503, b"")
    busy = _sent(_queue(a, key="k1"))
    gateway.answer(403, b"")
    refused = _sent(_queue(b, key="k2"))
    assert busy.status == MessageStatus.QUEUED
    assert refused.status == MessageStatus.DEAD
    assert "mã truy cập" in refused.last_error


def test_a_text_too_long_to_read_out_is_dead(tree: UnitTree, gateway: Gateway) -> None:
    commune = tree.communes[0]
    Loudspeaker.objects.create(unit=commune, upload_url=f"{gateway.url}/a")
    message = message_enqueue(
        outgoing=Outgoing(
            idempotency_key="long",
            channel=Channel.LOUDSPEAKER,
            address="",
            unit_id=commune.pk,
            body="Thông báo. " * 300,
            source="announcement:6",
            purpose=Purpose.ANNOUNCEMENTS,
        )
    )
    message = _sent(message)
    assert message.status == MessageStatus.DEAD
    assert "ký tự đọc trên loa" in message.last_error
    assert gateway.received == []


def test_without_the_speech_tools_the_message_waits(
    tree: UnitTree, gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """espeak-ng missing (a machine set up by hand): the message is retried later."""
    commune = tree.communes[0]
    Loudspeaker.objects.create(unit=commune, upload_url=f"{gateway.url}/a")
    monkeypatch.setenv("PATH", "/nonexistent")
    message = _sent(_queue(commune))
    assert message.status == MessageStatus.QUEUED
    assert "âm thanh" in message.last_error
    assert gateway.received == []
