"""Fixtures of the surveys tests: Ninh Bình with two communes, and who publishes forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django import Settings

from langso.surveys.testing import tree, users

__all__ = ["media_root", "tree", "users"]


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    """Uploaded XLSForms and media go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
