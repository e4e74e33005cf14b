"""The registry's test tree (Ninh Bình: communes A with two villages, B with one) and
its users, and the shipped indicator definitions, for the dashboards tests."""

from langso.indicators.testing import definitions
from langso.registry.testing import tree, users

__all__ = ["definitions", "tree", "users"]
