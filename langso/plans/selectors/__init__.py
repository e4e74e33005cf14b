"""Reads of `plans`: one module per subject."""
