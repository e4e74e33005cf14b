"""Stored files: random names in a folder per kind, and the one response that sends a
file — streamed by Django, or handed to nginx (X-Accel-Redirect) or to the server in
front (X-Sendfile) — with the uploader's name, its type, and never sniffed or shown
inline unless it is an image or a PDF."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.test import Client, override_settings
from django.urls import clear_url_caches
from pytest_django import Settings

import config.urls
from langso.core.files import RandomName, file_response
from langso.core.models import Job


def _stored(tmp_path: Path, name: str, content: bytes) -> FieldFile:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_bytes(content)
    field = models.FileField(storage=FileSystemStorage(location=tmp_path))
    return FieldFile(Job(), field, name)


def _body(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]  # FileResponse


def test_random_names_say_nothing_of_the_owner_and_differ_each_time() -> None:
    """Two uploads of one name get two names in the kind's folder, keeping only the
    suffix; a suffix that is not plain letters and digits is dropped."""
    upload_to = RandomName("evidence/criteria/")
    first = upload_to(None, "Biên bản xã 1234.PDF")
    second = upload_to(None, "Biên bản xã 1234.PDF")
    assert first != second
    assert first.startswith("evidence/criteria/")
    assert first.endswith(".pdf")
    assert "1234" not in first
    assert "Biên" not in first
    assert upload_to(None, "x.ph p").count(".") == 0
    assert RandomName("a") == RandomName("a/")


def test_a_pdf_is_streamed_inline_under_its_vietnamese_name(tmp_path: Path) -> None:
    """The bytes, application/pdf, inline, the original name in RFC 5987 form, nosniff."""
    file = _stored(tmp_path, "evidence/abc.pdf", b"%PDF-1.4 x")
    response = file_response(file, name="Biên bản họp thôn.pdf")
    assert response.status_code == 200
    assert _body(response) == b"%PDF-1.4 x"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert "Bi%C3%AAn%20b%E1%BA%A3n" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("trang.html", "text/html"),
        ("so-lieu.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("khong-duoi", "application/octet-stream"),
        ("hinh.svg", "image/svg+xml"),
    ],
)
def test_anything_but_an_image_or_pdf_is_downloaded(
    tmp_path: Path, name: str, content_type: str
) -> None:
    """HTML, SVG, spreadsheets and files without a suffix are sent as attachments."""
    file = _stored(tmp_path, "x/abc", b"<html></html>")
    response = file_response(file, name=name)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")


def test_with_the_accel_prefix_nginx_sends_the_file(tmp_path: Path) -> None:
    """Only headers go out: X-Accel-Redirect to the internal location, escaped."""
    file = _stored(tmp_path, "surveys/submissions/17/ảnh.jpg", b"\xff\xd8\xff")
    with override_settings(FILES_ACCEL_REDIRECT_PREFIX="/_files/"):
        response = file_response(file, name="ảnh.jpg")
    assert response["X-Accel-Redirect"] == "/_files/surveys/submissions/17/%E1%BA%A3nh.jpg"
    assert response.content == b""  # type: ignore[attr-defined]  # an HttpResponse
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_with_sendfile_the_server_in_front_sends_the_file(tmp_path: Path) -> None:
    """X-Sendfile names the file on disk."""
    file = _stored(tmp_path, "photos/abc.png", b"\x89PNG")
    with override_settings(FILES_SENDFILE=True):
        response = file_response(file, name="a.png")
    assert response["X-Sendfile"] == str(tmp_path / "photos" / "abc.png")


def test_a_file_gone_from_the_disk_is_not_found(tmp_path: Path) -> None:
    """A row whose file was removed answers 404, not a server error."""
    field = models.FileField(storage=FileSystemStorage(location=tmp_path))
    with pytest.raises(Http404):
        file_response(FieldFile(Job(), field, "gone/abc.pdf"), name="a.pdf")
    with pytest.raises(Http404):
        file_response(FieldFile(Job(), field, ""), name="a.pdf")


def test_nothing_is_served_from_media_even_in_debug(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    """A file under MEDIA_ROOT is not found at /media/, however the project runs: every
    file goes through a view that checks the reader's scope."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4")
    settings.DEBUG = True
    try:
        importlib.reload(config.urls)
        clear_url_caches()
        assert client.get("/media/evidence/a.pdf").status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()
