"""Fixtures of the home tests: the registry's test tree (Ninh Bình 37: commune A with
villages A1, A2; commune B with B1, B2) and its users, the shipped indicator
definitions and national criteria sets, and the shipped survey forms."""

from __future__ import annotations

import pytest

from langso.criteria.services import criteria_catalogue_load
from langso.indicators.testing import definitions
from langso.registry.testing import RegistryTree, RegistryUsers, tree, users
from langso.surveys.services.forms import shipped_forms_publish

__all__ = ["catalogue", "definitions", "forms", "tree", "users"]


@pytest.fixture
def catalogue(definitions: None) -> None:
    """The shipped national criteria sets."""
    criteria_catalogue_load()


@pytest.fixture
def forms(tree: RegistryTree, users: RegistryUsers) -> None:
    """The shipped survey forms (the household survey among them), nationwide."""
    shipped_forms_publish(actor=users.central_admin)
