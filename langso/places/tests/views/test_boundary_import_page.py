from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from langso.accounts.models import User
from langso.accounts.testing import client_for
from langso.core.models import Job
from langso.places.models import Level

from ..conftest import Tree

pytestmark = pytest.mark.django_db

VRT = (
    b'<OGRVRTDataSource><OGRVRTLayer name="xa">'
    b"<SrcDataSource>/etc/hostname</SrcDataSource>"
    b"</OGRVRTLayer></OGRVRTDataSource>"
)


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("xa.geojson", VRT, "không phải GeoJSON (nội dung là XML"),
        ("xa.gpkg", b'{"type": "FeatureCollection", "features": []}', "nội dung là GeoJSON"),
        ("xa.zip", b"SQLite format 3\x00" + bytes(84), "nội dung là cơ sở dữ liệu SQLite"),
    ],
)
def test_upload_whose_content_is_not_its_extension_is_refused_at_once(
    tree: Tree, province_officer: User, tmp_path: Path, name: str, content: bytes, said: str
) -> None:
    """The form reads the first bytes of the upload: a file that is not the format its
    extension names is refused on the page, and no file is kept and no job made."""
    with override_settings(MEDIA_ROOT=tmp_path):
        response = client_for(province_officer).post(
            reverse("places:boundary-import"),
            {
                "file": SimpleUploadedFile(name, content),
                "level": Level.COMMUNE,
                "code_field": "ma_xa",
            },
        )
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert said in error
    assert not Job.objects.exists()
    assert not (tmp_path / "imports").exists()
