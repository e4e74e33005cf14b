"""Writes of `plans`: one module per subject."""
