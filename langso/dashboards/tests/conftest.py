"""The registry's test tree (Ninh Bình: communes A with two villages, B with one) and
its users, the shipped indicator definitions, and the overview's plan (`testing`)."""

from langso.dashboards.testing import overview
from langso.indicators.testing import definitions
from langso.registry.testing import tree, users

__all__ = ["definitions", "overview", "tree", "users"]
