"""E-mails on each transition, once committed, to the people who must act next, over a
real SMTP server."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.conf import settings

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.core.errors import DomainError
from langso.core.testing import Inbox
from langso.recognition.services.dossiers import document_upload, dossier_submit

from ..conftest import World, in_submission, opened, pdf

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def test_the_submission_tells_the_provinces_appraisers_only(
    world: World, smtp_inbox: Inbox, django_capture_on_commit_callbacks: Capture
) -> None:
    """Submitted, the dossier is the appraisers' to act on: Ninh Bình's appraiser gets
    one e-mail in Vietnamese with the unit, set, year, what to do and the link; Hà
    Nội's appraiser and the commune get none."""
    dossier = in_submission(world)
    document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf())
    with django_capture_on_commit_callbacks(execute=True):
        dossier_submit(actor=world.leader, dossier=dossier)
    assert [recipients for recipients, _message in smtp_inbox.messages] == [[world.appraiser.email]]
    message = smtp_inbox.messages[0][1]
    body = message.get_content()
    assert "Thẩm định" in str(message["Subject"])
    assert world.a.name in body
    assert "Tỉnh Ninh Bình" in body
    assert "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030" in body
    assert "năm 2026" in body
    assert "Việc cần làm: Thẩm định hồ sơ" in body
    assert f"{settings.SITE_URL}/cong-nhan/ho-so/{dossier.pk}/" in body


def test_a_step_with_an_actor_and_a_preparer_tells_both(
    world: World, smtp_inbox: Inbox, django_capture_on_commit_callbacks: Capture
) -> None:
    """Opened, the self-assessment is the commune officer's; inactive users and users
    without an address are not written to."""
    make_role_holder(Role.COMMUNE_OFFICER, world.a, "canbo.nghi")
    make_role_holder(Role.COMMUNE_OFFICER, world.a, "canbo.khongthu")
    User.objects.filter(username="canbo.nghi").update(is_active=False)
    User.objects.filter(username="canbo.khongthu").update(email="")
    with django_capture_on_commit_callbacks(execute=True):
        opened(world)
    assert sorted(r for recipients, _m in smtp_inbox.messages for r in recipients) == [
        world.officer.email
    ]


def test_nothing_is_sent_for_a_refused_transition(
    world: World, smtp_inbox: Inbox, django_capture_on_commit_callbacks: Capture
) -> None:
    dossier = in_submission(world)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(DomainError, match="Còn thiếu tài liệu"),
    ):
        dossier_submit(actor=world.leader, dossier=dossier)
    assert smtp_inbox.messages == []
