"""Evidence files (minh chứng) that back what an officer enters — a reported figure, an
assessment of a criterion: the types and size accepted, the check every service makes,
and the form field that takes several files under one name."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .errors import DomainError

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip_names(file: IO[bytes]) -> list[str]:
    try:
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        return []


def _ooxml(part: str) -> Callable[[IO[bytes]], bool]:
    """An Office Open XML package: a zip with its content-types part and the folder of
    its kind (word/ or xl/), so that a .docx renamed .xlsx is refused too."""

    def matches(file: IO[bytes]) -> bool:
        names = _zip_names(file)
        return "[Content_Types].xml" in names and any(n.startswith(part) for n in names)

    return matches


def _odf(mimetype: str) -> Callable[[IO[bytes]], bool]:
    """An OpenDocument file: a zip whose first entry, stored as is, is `mimetype` holding
    the document's type (ODF 1.2, part 3, 3.3), read here straight from the header."""

    def matches(file: IO[bytes]) -> bool:
        head = file.read(30 + len("mimetype") + len(mimetype))
        return head[:4] == b"PK\x03\x04" and head[30:] == f"mimetype{mimetype}".encode()

    return matches


def _starts(magic: bytes) -> Callable[[IO[bytes]], bool]:
    return lambda file: file.read(len(magic)) == magic


# What each accepted type's content begins with. An officer's browser shows some of
# these files inline, so that HTML or script renamed .pdf must never be stored as one.
_CONTENT: dict[str, tuple[str, Callable[[IO[bytes]], bool]]] = {
    ".pdf": ("PDF", _starts(b"%PDF-")),
    ".jpg": ("JPEG", _starts(b"\xff\xd8\xff")),
    ".jpeg": ("JPEG", _starts(b"\xff\xd8\xff")),
    ".png": ("PNG", _starts(b"\x89PNG\r\n\x1a\n")),
    ".docx": ("Word (.docx)", _ooxml("word/")),
    ".xlsx": ("Excel (.xlsx)", _ooxml("xl/")),
    ".doc": ("Word (.doc)", _starts(_OLE)),
    ".xls": ("Excel (.xls)", _starts(_OLE)),
    ".odt": ("OpenDocument (.odt)", _odf("application/vnd.oasis.opendocument.text")),
    ".ods": ("OpenDocument (.ods)", _odf("application/vnd.oasis.opendocument.spreadsheet")),
}
EVIDENCE_TYPES = tuple(_CONTENT)


def _content_matches(upload: UploadedFile[Any], suffix: str) -> bool:
    _label, matches = _CONTENT[suffix]
    upload.seek(0)
    try:
        return matches(upload)
    finally:
        upload.seek(0)


def evidence_files_check(files: Sequence[UploadedFile[Any]]) -> None:
    """Refuse, by name, a file of another type, over 20 MB, or whose content is not
    what its name says."""
    for upload in files:
        name = upload.name or ""
        suffix = Path(name).suffix.lower()
        if suffix not in EVIDENCE_TYPES:
            raise DomainError(
                _("Tệp minh chứng “%(name)s”: chỉ nhận %(types)s.")
                % {"name": name, "types": ", ".join(EVIDENCE_TYPES)}
            )
        if (upload.size or 0) > EVIDENCE_MAX_BYTES:
            raise DomainError(_("Tệp minh chứng “%(name)s” lớn quá 20 MB.") % {"name": name})
        if not _content_matches(upload, suffix):
            raise DomainError(
                _(
                    "Tệp minh chứng “%(name)s”: nội dung không phải tệp %(kind)s như đuôi "
                    "tên của nó. Hãy chọn đúng tệp gốc."
                )
                % {"name": name, "kind": _CONTENT[suffix][0]}
            )


class EvidenceInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files under one name; each is checked by the service."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(EvidenceField, self).clean(item, initial) for item in data]
        return super().clean(data, initial)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", EvidenceInput(attrs={"accept": ",".join(EVIDENCE_TYPES)}))
        super().__init__(**kwargs)
