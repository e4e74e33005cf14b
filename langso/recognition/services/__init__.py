"""Writes of the recognition module, by subject: procedures (`procedures`), dossiers."""
