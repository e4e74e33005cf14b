"""Writes of the recognition procedure, one module per concern."""
