"""Evidence files (minh chứng) that back what an officer enters — a reported figure, an
assessment of a criterion: the types and size accepted, the check every service makes,
and the form field that takes several files under one name."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .errors import DomainError

EVIDENCE_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".doc", ".xls", ".odt", ".ods")
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def evidence_files_check(files: Sequence[UploadedFile[Any]]) -> None:
    """Refuse, by name, a file of another type or over 20 MB."""
    for upload in files:
        name = upload.name or ""
        if Path(name).suffix.lower() not in EVIDENCE_TYPES:
            raise DomainError(
                _("Tệp minh chứng “%(name)s”: chỉ nhận %(types)s.")
                % {"name": name, "types": ", ".join(EVIDENCE_TYPES)}
            )
        if (upload.size or 0) > EVIDENCE_MAX_BYTES:
            raise DomainError(_("Tệp minh chứng “%(name)s” lớn quá 20 MB.") % {"name": name})


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
