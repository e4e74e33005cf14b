"""Evidence files are taken only when their content is what their name says: a page of
HTML renamed .pdf, a photo renamed .pdf or a plain zip renamed .xlsx is refused with a
message naming the file, and real files of every accepted type pass."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from langso.core.errors import DomainError
from langso.core.evidence import evidence_files_check

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bien-ban.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        ("anh.png", PNG),
        ("anh.jpg", JPEG),
        ("ANH.JPEG", JPEG),
        ("bao-cao.docx", DOCX),
        ("so-lieu.xlsx", XLSX),
        ("bao-cao.doc", OLE),
        ("so-lieu.xls", OLE),
        ("bao-cao.odt", ODT),
        ("so-lieu.ods", ODS),
    ],
)
def test_a_file_whose_content_matches_its_name_is_taken(name: str, content: bytes) -> None:
    """Each accepted type, with the bytes that type begins with, passes the check, and the
    file is left at its start for the storage to read whole."""
    upload = SimpleUploadedFile(name, content)
    evidence_files_check([upload])
    assert upload.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bien-ban.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("bien-ban.pdf", PNG),
        ("bien-ban.pdf", b""),
        ("anh.png", JPEG),
        ("anh.jpg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("so-lieu.xlsx", _zip({"readme.txt": b"not a workbook"})),
        ("so-lieu.xlsx", DOCX),
        ("bao-cao.docx", XLSX),
        ("bao-cao.docx", b"PK\x03\x04 truncated"),
        ("bao-cao.doc", b"<html>Word HTML</html>"),
        ("so-lieu.ods", ODT),
        ("bao-cao.odt", XLSX),
    ],
)
def test_a_file_whose_content_is_another_type_is_refused_by_name(name: str, content: bytes) -> None:
    """HTML renamed .pdf, a PNG renamed .pdf, a zip that is no workbook renamed .xlsx,
    and the like are refused; the message names the file."""
    with pytest.raises(DomainError) as refused:
        evidence_files_check([SimpleUploadedFile(name, content)])
    assert f"“{name}”" in refused.value.message
    assert "nội dung" in refused.value.message


def test_the_first_bad_file_of_several_is_named() -> None:
    """With a good and a bad file, the bad one is named."""
    good = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4")
    bad = SimpleUploadedFile("anh-gia.png", b"<html></html>")
    with pytest.raises(DomainError) as refused:
        evidence_files_check([good, bad])
    assert "“anh-gia.png”" in refused.value.message
