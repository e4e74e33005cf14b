"""Fixtures of the announcements tests: the registry's test tree (Ninh Bình 37: communes
A and B, two villages each) and its users."""

from __future__ import annotations

from langso.registry.testing import tree, users

__all__ = ["tree", "users"]
