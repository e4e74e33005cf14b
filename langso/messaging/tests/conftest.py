"""Fixtures of the messaging tests: a gateway on a local HTTP server, Zalo's keys."""

from __future__ import annotations

from langso.messaging.testing import gateway
from langso.messaging.tests.zalo_events import zalo_keys

__all__ = ["gateway", "zalo_keys"]
