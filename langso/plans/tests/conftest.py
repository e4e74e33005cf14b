"""Fixtures of the plans tests: the registry's test tree (Ninh Bình 37: communes A and B,
two villages each) and its users, the shipped indicator definitions and national sets."""

from __future__ import annotations

import pytest

from langso.criteria.services import criteria_catalogue_load
from langso.indicators.testing import definitions
from langso.registry.testing import tree, users

__all__ = ["catalogue", "definitions", "tree", "users"]


@pytest.fixture
def catalogue(definitions: None) -> None:
    """The shipped national sets, loaded as `serve.sh` loads them."""
    criteria_catalogue_load()
