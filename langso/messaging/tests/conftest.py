"""Fixtures of the messaging tests: Ninh Bình's communes A and B with their villages,
and a household's phone in a village of A with a consent to announcements.

Fixtures of the messaging tests: a gateway on a local HTTP server, Zalo's keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from langso.core.events import subscribe, unsubscribe
from langso.messaging.events import MessageStatusChanged
from langso.messaging.models import Contact
from langso.messaging.testing import gateway, make_contact
from langso.messaging.tests.zalo_events import zalo_keys
from langso.places.models import AdminUnit
from langso.places.testing import CommunePair


@pytest.fixture
def units(db: None) -> CommunePair:
    return CommunePair.make()


@pytest.fixture
def village(units: CommunePair) -> AdminUnit:
    return units.ninh_binh.villages_of(units.a)[0]


@pytest.fixture
def phone(village: AdminUnit) -> Contact:
    return make_contact(unit=village)


@pytest.fixture
def told() -> Iterator[list[MessageStatusChanged]]:
    """The changes of status published while the test runs."""
    events: list[MessageStatusChanged] = []
    subscribe(MessageStatusChanged, events.append)
    yield events
    unsubscribe(MessageStatusChanged, events.append)


__all__ = ["gateway", "zalo_keys"]
