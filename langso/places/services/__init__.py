"""Writes to administrative units, one module a concern: `units` (loading the national
lists; commune groups), `villages`, `boundaries`, and `access` (the checks they all make).
Import from the module that holds a name; this package re-exports nothing."""
