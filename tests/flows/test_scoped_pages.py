"""Pages that list or act on the rows of a unit (issue 18 on): an anonymous reader is
sent to sign in, and another province's officer sees none of the province's rows and
gets, for one of them, the very 404 of a row that does not exist. Stored files have
their own table (`test_stored_files.py`); each app's view tests check every role.

Each route is listed with how to make a row of it in Ninh Bình's commune A, the method
its button uses, and what of the row its page shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from langso.accounts.roles import Role
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import make_role_holder
from langso.messaging.channels.base import PermanentFailure
from langso.messaging.models import Channel
from langso.messaging.services.outbox import VIETNAM, message_enqueue, outbox_dispatch
from langso.messaging.testing import ScriptedAdapter, adapter_replaced, make_contact, outgoing_to
from langso.places.models import AdminUnit
from langso.places.testing import CommunePair, make_province


def _dead_letter(village: AdminUnit) -> int:
    morning = dt.datetime(2026, 3, 2, 10, 0, tzinfo=VIETNAM)
    message = message_enqueue(outgoing=outgoing_to(make_contact(unit=village), "tb:1"), now=morning)
    with adapter_replaced(Channel.SMS, ScriptedAdapter([PermanentFailure("Sai số.")])):
        outbox_dispatch(now=morning)
    return message.pk


@dataclass(frozen=True)
class Scoped:
    make: Callable[[AdminUnit], int]
    list_route: str
    shown: str
    action_route: str
    method: str


SCOPED = {
    "dead letters": Scoped(
        make=_dead_letter,
        list_route="messaging:dead-letters",
        shown="091…678",
        action_route="messaging:dead-letter-retry",
        method="post",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SCOPED))
def test_anonymous_and_another_provinces_officer_get_nothing(name: str) -> None:
    scoped = SCOPED[name]
    units = CommunePair.make()
    pk = scoped.make(units.ninh_binh.villages_of(units.a)[0])
    listed, action = reverse(scoped.list_route), reverse(scoped.action_route, args=[pk])
    anonymous = Client()
    for response in (anonymous.get(listed), getattr(anonymous, scoped.method)(action)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    other = make_province(code="38", name="Tỉnh Thanh Hóa")
    outsider = client_for(make_role_holder(Role.PROVINCE_OFFICER, other, "canbo.thanhhoa"))
    page = outsider.get(listed)
    assert page.status_code == 200
    assert scoped.shown not in page.content.decode()
    missing = reverse(scoped.action_route, args=[10**9])
    send = getattr(outsider, scoped.method)
    assert send(action).status_code == send(missing).status_code == 404
    insider = client_for(make_role_holder(Role.PROVINCE_OFFICER, units.province, "canbo.tinh"))
    assert scoped.shown in insider.get(listed).content.decode()
