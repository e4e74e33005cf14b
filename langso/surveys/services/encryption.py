"""Encrypted forms where they meet the shared paths: the key a new form version is
published with, and the receiving of encrypted submissions (stored as sent, waiting
for an officer's passphrase). Decryption and turning managed encryption on are in
`services.managed_encryption`, which may import the other services; this module
imports none but `attachments` and `instances` (which import none), so that `forms`
and `submissions` can call it."""

from __future__ import annotations

from functools import partial
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from langso.core.errors import DomainError

from ..encryption import (
    is_encrypted,
    manifest_parse,
    public_key_check,
    xform_public_key,
    xform_with_public_key,
)
from ..models import (
    FormEncryptionKey,
    FormVersion,
    Submission,
    SubmissionEncryption,
    SurveyForm,
)
from ..openrosa import ACCEPT_CONTENT_LENGTH, SubmissionInvalid, SubmittedInstance
from ..selectors import collector_unit
from ..xlsforms import XLSFormRejected
from .attachments import submission_files_store, submission_parts_add
from .instances import Received, SubmissionPost, instance_taken, submission_receive_once

ENCRYPTED_CONTENT_TYPE = "application/octet-stream"


def form_version_encryption(
    *, form: SurveyForm, xform: str
) -> tuple[str, FormEncryptionKey | None]:
    """The XForm a new version of `form` is published with, and its key: the form's
    managed key written into it when encryption is on; the key the upload brings
    (self-supplied), recorded as such; or none."""
    managed = form.encryption_keys.filter(managed=True).first()
    try:
        own = xform_public_key(xform)
        if own:
            own = public_key_check(own)
    except DomainError as exc:
        raise XLSFormRejected([exc.message]) from exc
    if own and managed is not None and own != managed.public_key:
        raise XLSFormRejected(
            [
                _(
                    "Biểu mẫu “%(id)s” đã bật mã hoá do Làng Số giữ khoá: bỏ public_key "
                    "khỏi trang settings rồi tải lên lại."
                )
                % {"id": form.xml_form_id}
            ]
        )
    if managed is not None:
        return xform_with_public_key(xform, public_key=managed.public_key), managed
    if own:
        key, _created = FormEncryptionKey.objects.get_or_create(
            form=form, public_key=own, managed=False
        )
        return xform, key
    return xform, None


def plain_answers_to_encrypted_form(instance: SubmittedInstance) -> bool:
    """Whether `instance` holds answers in plain for a version whose submissions are
    encrypted (a refused one, whose body must then not be kept)."""
    return not is_encrypted(instance.root) and (
        FormVersion.objects.filter(
            form__xml_form_id=instance.form_id,
            version=instance.version,
            encryption_key__isnull=False,
        ).exists()
    )


def encrypted_submission_receive(*, post: SubmissionPost) -> Received:
    """Store an encrypted submission (its XML part is the manifest) as `submission_receive`
    stores any: the same instance sent again adds only files not yet received, a
    different manifest under a known instanceID is a 409. The files must be those the
    manifest names. It waits, encrypted, and touches no household until an officer
    decrypts it."""
    version, instance = post.version, post.instance
    key = version.encryption_key
    if key is None:
        raise SubmissionInvalid(
            _(
                "Phiên bản “%(version)s” của biểu mẫu “%(id)s” không mã hoá: không nhận bài "
                "đã mã hoá cho phiên bản này."
            )
            % {"version": version.version, "id": instance.form_id[:64]}
        )
    manifest = manifest_parse(instance.root, instance_id=instance.instance_id)
    for upload in post.files:
        name = PurePosixPath(upload.name or "").name
        if name not in manifest.files:
            raise SubmissionInvalid(
                _("Tệp “%(name)s” không có trong bản kê của bài mã hoá.") % {"name": name[:100]},
                status=415,
            )
        if (upload.size or 0) > ACCEPT_CONTENT_LENGTH:
            raise SubmissionInvalid(
                _("Tệp đính kèm “%(name)s” lớn quá %(max)s MB.")
                % {"name": name[:100], "max": ACCEPT_CONTENT_LENGTH // 2**20},
                status=413,
            )
    return submission_receive_once(
        post=post,
        create=partial(_encrypted_submission_create, key=key),
        resend=_encrypted_submission_resend,
    )


def _encrypted_submission_create(post: SubmissionPost, *, key: FormEncryptionKey) -> Submission:
    version = post.version
    submission = Submission(
        version=version,
        form=version.form,
        instance_id=post.instance.instance_id,
        collector_id=post.collector.pk,
        xml=post.text,
        is_complete=not post.incomplete,
        state=Submission.State.ENCRYPTED,
    )
    # Its household is unknown until it is decrypted: it is seen, meanwhile, where its
    # collector collects (as any submission naming no household).
    unit = collector_unit(user=post.collector, form=version.form)
    if unit is not None:
        submission.place_at(unit)
    submission.save()
    SubmissionEncryption.objects.create(submission=submission, key=key, manifest=post.text)
    submission_files_store(
        submission=submission, files=post.files, content_type=ENCRYPTED_CONTENT_TYPE
    )
    return submission


def _encrypted_submission_resend(submission: Submission, post: SubmissionPost) -> bool:
    # The manifest as first sent: the submission's XML is the plain one once decrypted.
    sent_before = SubmissionEncryption.objects.filter(submission=submission).values_list(
        "manifest", flat=True
    )
    if list(sent_before) != [post.text]:
        raise instance_taken(submission.instance_id)
    added = submission_parts_add(
        submission=submission,
        files=post.files,
        incomplete=post.incomplete,
        content_type=ENCRYPTED_CONTENT_TYPE,
    )
    if added:
        # A file reported missing may be among them: the next decryption tries again.
        SubmissionEncryption.objects.filter(submission=submission).update(problem="")
    return added > 0
