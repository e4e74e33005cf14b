"""Small XLSForms for the surveys tests, written in pyxform's markdown form (a table per
sheet) so that each test shows the whole form it uses."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def markdown_form(
    *, form_id: str = "khao_sat_thu", version: str = "1", extra_rows: str = "", title: str = ""
) -> bytes:
    """A form with a text and an integer question and an image, and `extra_rows` added
    to its survey sheet."""
    return f"""
| survey |
| | type | name | label::Tiếng Việt (vi) | label::English (en) | media::image::Tiếng Việt (vi) |
| | text | ten | Tên chủ hộ | Head's name | nha.png |
| | integer | so_nguoi | Số nhân khẩu | Members | |
{extra_rows}
| settings |
| | form_id   | version   | form_title                         | default_language   |
| | {form_id} | {version} | {title or "Khảo sát thử " + form_id} | Tiếng Việt (vi)    |
""".encode()


def shared_fixtures() -> Path:
    """`../shared/fixtures/` beside the checkout (or LANGSO_SHARED_FIXTURES): forms
    written by other projects, which the tests must read where they are."""
    candidates = [
        Path(os.environ["LANGSO_SHARED_FIXTURES"])
        if os.environ.get("LANGSO_SHARED_FIXTURES")
        else None,
        Path(settings.BASE_DIR).parent / "shared" / "fixtures",
    ]
    for candidate in candidates:
        if candidate is not None and candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "The shared test fixtures are missing: expected ../shared/fixtures/ beside the "
        "checkout, or a folder named by LANGSO_SHARED_FIXTURES."
    )
