"""An unexpected error on a page reaches the administrators by mail, once, with the
path that failed; the person who met it sees a plain 500."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from pytest_django import Settings

from langso.places import selectors

pytestmark = pytest.mark.django_db


def test_a_server_error_is_mailed_to_the_administrators_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ADMINS = [("Trực ban", "truc-ban@example.vn")]

    def broken(**kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(selectors, "unit_children", broken)

    response = Client(raise_request_exception=False).get("/?valid_on=2026-01-01")

    assert response.status_code == 500
    assert len(mail.outbox) == 1
    (message,) = mail.outbox
    assert message.to == ["truc-ban@example.vn"]
    assert message.subject.endswith("Internal Server Error: /")
    assert "the database went away" in message.body
