"""The files sent with a submission, stored once each under the name the phone gave
them, whether they arrived with the first POST or later ones (ODK Collect splits a large
submission across several)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from django.core.files.uploadedfile import UploadedFile

from ..models import Submission, SubmissionAttachment

# What the form questions of ODK tools produce: photos, recordings, videos, drawn
# signatures, and files (CSV, PDF). Anything else is refused.
ALLOWED_ATTACHMENTS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".amr": "audio/amr",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".3gpp": "audio/3gpp",
    ".mp4": "video/mp4",
    ".3gp": "video/3gpp",
    ".webm": "video/webm",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
}


def submission_files_store(
    *, submission: Submission, files: Sequence[UploadedFile[bytes]], content_type: str = ""
) -> int:
    """Store the files not yet stored; return how many were. Their type comes from their
    name (`ALLOWED_ATTACHMENTS`, checked before) unless `content_type` says it (the
    encrypted files of an encrypted submission are bytes whatever their name). The
    caller holds `submission`: new in its transaction, or locked
    (`instances.submission_stored`); so no other POST adds a file to it between the
    names read here and the inserts, and `submission_file_unique` cannot refuse one."""
    if not files:
        return 0
    have = set(submission.attachments.values_list("name", flat=True))
    added = 0
    for upload in files:
        name = PurePosixPath(upload.name or "").name
        if name in have:
            continue
        attachment = SubmissionAttachment(
            submission=submission,
            name=name,
            content_type=content_type or ALLOWED_ATTACHMENTS[PurePosixPath(name).suffix.lower()],
            size=upload.size or 0,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        have.add(name)
        added += 1
    return added


def submission_parts_add(
    *,
    submission: Submission,
    files: Sequence[UploadedFile[bytes]],
    incomplete: bool,
    content_type: str = "",
) -> int:
    """What another POST of a stored submission brings: the files not yet stored (see
    `submission_files_store`), and whether more are to follow (`*isIncomplete*`).
    Returns how many files were added."""
    added = submission_files_store(submission=submission, files=files, content_type=content_type)
    if submission.is_complete == incomplete:
        submission.is_complete = not incomplete
        submission.save(update_fields=["is_complete"])
    return added
