"""Fixtures of the recognition tests: the registry's test tree (Ninh Bình 37: commune A
with villages A1, A2; commune B with B1, B2) and its users, the shipped indicator
definitions, national criteria sets and procedures."""

from __future__ import annotations

import pytest

from langso.criteria.services import criteria_catalogue_load
from langso.indicators.testing import definitions
from langso.recognition.services.procedures import procedures_load
from langso.registry.testing import tree, users

__all__ = ["catalogue", "definitions", "procedures", "tree", "users"]


@pytest.fixture
def catalogue(definitions: None) -> None:
    """The shipped national criteria sets."""
    criteria_catalogue_load()


@pytest.fixture
def procedures(catalogue: None) -> None:
    """The shipped procedures, loaded as `serve.sh` loads them."""
    procedures_load()
