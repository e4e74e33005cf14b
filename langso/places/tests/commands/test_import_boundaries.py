from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ..conftest import Tree

pytestmark = pytest.mark.django_db


def _file(tmp_path: Path, code: str) -> Path:
    ring = [[105.9, 20.2], [105.95, 20.2], [105.95, 20.25], [105.9, 20.25], [105.9, 20.2]]
    path = tmp_path / "xa.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"ma_xa": code},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


def test_command_imports_and_reports(tree: Tree, tmp_path: Path) -> None:
    """`import_boundaries <path> --level commune --code-field ma_xa` sets the boundaries
    and prints the counts."""
    out = io.StringIO()
    call_command(
        "import_boundaries",
        str(_file(tmp_path, "37001")),
        "--level",
        "commune",
        "--code-field",
        "ma_xa",
        stdout=out,
    )
    assert "1 đơn vị cập nhật ranh giới" in out.getvalue()
    tree.a.refresh_from_db()
    assert tree.a.boundary is not None


def test_command_prints_every_error_of_a_refused_file(tree: Tree, tmp_path: Path) -> None:
    """A refused file fails the command; each bad feature is printed."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="Tệp bị từ chối"):
        call_command(
            "import_boundaries",
            str(_file(tmp_path, "99999")),
            "--level",
            "commune",
            "--code-field",
            "ma_xa",
            stderr=err,
        )
    assert "Đối tượng 1, ma_xa: Không có xã hiện hành mã “99999”." in err.getvalue()
