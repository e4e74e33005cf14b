"""Fixtures of the criteria tests: the registry's test tree (Ninh Bình 37: commune A with
villages A1, A2; commune B with B1, B2) and its users, the shipped indicator definitions
and national criteria sets, and the demo province's own sets."""

from __future__ import annotations

import pytest

from langso.criteria.management.commands.load_demo_criteria import DEMO
from langso.criteria.services import criteria_catalogue_load
from langso.indicators.testing import definitions
from langso.registry.testing import RegistryTree, tree, users

__all__ = ["catalogue", "definitions", "demo_sets", "tree", "users"]


@pytest.fixture
def catalogue(definitions: None) -> None:
    """The shipped national sets, loaded as `serve.sh` loads them."""
    criteria_catalogue_load()


@pytest.fixture
def demo_sets(catalogue: None, tree: RegistryTree) -> RegistryTree:
    """The demo province's own sets (smart village, smart commune by commune group,
    digital commune 2025 by region) on the test tree's province."""
    criteria_catalogue_load(path=DEMO, province=tree.province)
    return tree
