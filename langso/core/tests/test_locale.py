"""The English catalogue is complete: Vietnamese is the source, English the second language."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.conf import settings
from django.utils import translation


def test_every_message_has_an_english_translation() -> None:
    """msgfmt counts no fuzzy or untranslated entry and no format mismatch."""
    po = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    done = subprocess.run(  # noqa: S603  # gettext's own checker on our own file
        ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "fuzzy" not in done.stderr
    assert "untranslated" not in done.stderr


def test_english_is_served_from_the_compiled_catalogue() -> None:
    """The set-up compiles the catalogue, so English pages are in English."""
    with translation.override("en"):
        assert translation.gettext("Đơn vị hành chính") == "Administrative units"
