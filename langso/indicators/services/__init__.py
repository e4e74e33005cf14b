"""Writes of indicators: aggregates kept exact, definitions, periods, reported values."""
