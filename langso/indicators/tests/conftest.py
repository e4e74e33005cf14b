"""The registry's test tree (Ninh Bình: communes A with two villages, B with one) and
its users, for the indicators tests."""

from langso.registry.tests.conftest import tree, users

__all__ = ["tree", "users"]
