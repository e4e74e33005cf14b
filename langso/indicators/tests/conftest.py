"""The registry's test tree (Ninh Bình: communes A with two villages, B with one) and
its users, and the shipped indicator definitions, for the indicators tests."""

import pytest

from langso.indicators.services.definitions import indicator_definitions_load
from langso.registry.testing import tree, users

__all__ = ["definitions", "tree", "users"]


@pytest.fixture
def definitions(db: None) -> None:
    """The shipped definitions, loaded as `serve.sh` loads them."""
    indicator_definitions_load()
