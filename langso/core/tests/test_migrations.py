"""Migrations are part of the code."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    """No model change is left without its migration (the suite itself runs without
    migrations, for speed; `serve.sh`, the benchmarks and production run them)."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
