"""Receiving submissions: idempotent on the instance id, attachments that may arrive
across several POSTs, edits that replace their predecessor. A refused submission writes
nothing but a `RefusedSubmission` row to inspect."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.core.actors import Actor
from langso.core.db import for_update

from ..encryption import is_encrypted
from ..models import RefusedSubmission, Submission, SurveyForm
from ..openrosa import (
    ACCEPT_CONTENT_LENGTH,
    SubmissionInvalid,
    SubmittedInstance,
    instance_parse,
    xml_parses,
)
from ..selectors import collector_may_fill, collector_unit, submission_list_for_user
from .attachments import ALLOWED_ATTACHMENTS, submission_files_store, submission_parts_add
from .encryption import encrypted_submission_receive, plain_answers_to_encrypted_form
from .entities import submission_entity_read, visit_record_from_submission
from .instances import Received, SubmissionPost, instance_taken, submission_receive_once

MAX_ATTACHMENT_BYTES = ACCEPT_CONTENT_LENGTH


def _check_attachments(files: Sequence[UploadedFile[bytes]]) -> None:
    for upload in files:
        name = PurePosixPath(upload.name or "").name
        suffix = PurePosixPath(name).suffix.lower()
        if suffix not in ALLOWED_ATTACHMENTS:
            raise SubmissionInvalid(
                _("Tệp đính kèm “%(name)s”: loại tệp không được nhận (%(allowed)s).")
                % {"name": name[:100], "allowed": ", ".join(sorted(ALLOWED_ATTACHMENTS))},
                status=415,
            )
        if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
            raise SubmissionInvalid(
                _("Tệp đính kèm “%(name)s” lớn quá %(max)s MB.")
                % {"name": name[:100], "max": MAX_ATTACHMENT_BYTES // 2**20},
                status=413,
            )


def _digest(chunks: Iterable[bytes]) -> bytes:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.digest()


def _check_known_attachments(submission: Submission, files: Sequence[UploadedFile[bytes]]) -> None:
    """An attachment sent again under a name already received must be the same file:
    other bytes under it are a conflict (409), refused before anything is stored."""
    stored = {a.name: a for a in submission.attachments.all()}
    for upload in files:
        name = PurePosixPath(upload.name or "").name
        known = stored.get(name)
        if known is None:
            continue
        same = known.size == (upload.size or 0)
        if same:
            with known.file.open("rb") as kept:
                same = _digest(kept.chunks()) == _digest(upload.chunks())
        if not same:
            raise SubmissionInvalid(
                _("Tệp đính kèm “%(name)s” của bài “%(id)s” đã nhận trước đó với nội dung khác.")
                % {"name": name[:100], "id": submission.instance_id},
                status=409,
            )


def _form_for(collector: Actor, instance: SubmittedInstance) -> SurveyForm:
    form = SurveyForm.objects.select_related("unit").filter(xml_form_id=instance.form_id).first()
    if form is None or not collector_may_fill(user=collector, form=form):
        # Outside the collector's reach it is answered as unknown, revealing nothing.
        raise SubmissionInvalid(
            _("Không có biểu mẫu “%(id)s” cho bạn.") % {"id": instance.form_id[:64]}, status=404
        )
    if not form.is_open:
        raise SubmissionInvalid(
            _("Biểu mẫu “%(id)s” đã đóng, không nhận bài mới.") % {"id": form.xml_form_id},
            status=403,
        )
    return form


def submission_predecessor(
    *, collector: Actor, form: SurveyForm, deprecated_id: str
) -> Submission | None:
    """The submission an edit replaces: of this form, within the collector's reach (or
    answered as an id that does not exist), and not replaced already. Locked, and
    checked inside the lock, so that of two edits sent at once the second finds the
    first."""
    if not deprecated_id:
        return None
    reachable = submission_list_for_user(user=collector, permission=Permission.COLLECT_SURVEYS)
    predecessor = for_update(
        Submission.objects.filter(
            pk__in=reachable.filter(form=form, instance_id=deprecated_id).values("pk")
        )
    ).first()
    if predecessor is None:
        raise SubmissionInvalid(
            _("Bài sửa thay cho bài “%(id)s”, nhưng chưa có bài đó.") % {"id": deprecated_id[:100]},
            status=409,
        )
    if Submission.objects.filter(replaces=predecessor).exists():
        raise SubmissionInvalid(
            _(
                "Bài “%(id)s” đã được sửa bằng một bài khác: tải bản mới nhất, sửa từ bản đó "
                "rồi gửi lại."
            )
            % {"id": deprecated_id[:100]},
            status=409,
        )
    return predecessor


@transaction.atomic
def submission_receive(
    *, collector: Actor, xml: bytes, files: Sequence[UploadedFile[bytes]], incomplete: bool = False
) -> Received:
    """Store a submission. The same instance sent again is the same submission, even
    sent twice at once (`instances.submission_receive_once`): its XML must match, and
    only attachments not yet received are added (clients split large submissions
    across POSTs, saying `*isIncomplete*` until the last). An edit
    (meta/deprecatedID) replaces the submission it names. What it says of a household
    reaches the registry in this transaction (`services.entities`). Anything refused raises
    SubmissionInvalid with the HTTP status to answer, and nothing is stored."""
    instance = instance_parse(xml)
    try:
        text = xml.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SubmissionInvalid(_("Bài nộp phải mã hoá UTF-8.")) from exc
    form = _form_for(collector, instance)
    version = form.versions.filter(version=instance.version).first()
    if version is None or not version.accepts_submissions:
        raise SubmissionInvalid(
            _(
                "Phiên bản “%(version)s” của biểu mẫu “%(id)s” không còn nhận bài: tải "
                "biểu mẫu mới về rồi gửi lại."
            )
            % {"version": instance.version[:64], "id": form.xml_form_id},
            status=409,
        )
    post = SubmissionPost(
        collector=collector,
        version=version,
        instance=instance,
        text=text,
        files=files,
        incomplete=incomplete,
    )
    if is_encrypted(instance.root):
        return encrypted_submission_receive(post=post)
    if version.encryption_key_id is not None:
        raise SubmissionInvalid(
            _(
                "Biểu mẫu “%(id)s” mã hoá bài nộp: bài này chưa được mã hoá. Gửi bằng ODK "
                "Collect (tải lại biểu mẫu)."
            )
            % {"id": form.xml_form_id}
        )
    _check_attachments(files)
    return submission_receive_once(post=post, create=_submission_create, resend=_submission_resend)


def _submission_create(post: SubmissionPost) -> Submission:
    collector, instance, form = post.collector, post.instance, post.version.form
    replaces = submission_predecessor(
        collector=collector, form=form, deprecated_id=instance.deprecated_id
    )
    submission = Submission(
        version=post.version,
        form=form,
        instance_id=instance.instance_id,
        replaces=replaces,
        collector_id=collector.pk,
        xml=post.text,
        is_complete=not post.incomplete,
    )
    # Before anything is written: a household outside the collector's villages refuses
    # the whole submission.
    submission_entity_read(
        submission=submission,
        collector=collector,
        root=instance.root,
        form_counts=form.counts_before_approval,
    )
    if submission.household_id is None and submission.province_id is None:
        unit = collector_unit(user=collector, form=form)
        if unit is not None:
            submission.place_at(unit)
    submission.save()
    if submission.household_id:
        visit_record_from_submission(submission=submission, root=instance.root)
    submission_files_store(submission=submission, files=post.files)
    return submission


def _submission_resend(submission: Submission, post: SubmissionPost) -> bool:
    if submission.xml != post.text:
        raise instance_taken(submission.instance_id)
    _check_known_attachments(submission, post.files)
    added = submission_parts_add(
        submission=submission, files=post.files, incomplete=post.incomplete
    )
    return added > 0


def submission_refusal_record(
    *, collector: Actor, xml: bytes | None, reason: str
) -> RefusedSubmission:
    """Keep what a refused submission sent, where it parsed, for whoever investigates."""
    form_id = instance_id = text = ""
    if xml and xml_parses(xml):
        text = xml.decode("utf-8", errors="replace")
        try:
            instance = instance_parse(xml)
        except SubmissionInvalid:
            pass  # a missing instanceID, say: the text is kept all the same
        else:
            form_id, instance_id = instance.form_id[:249], instance.instance_id[:100]
            if plain_answers_to_encrypted_form(instance):
                text = ""  # the officer chose to have these answers kept encrypted
    return RefusedSubmission.objects.create(
        collector_id=collector.pk if collector.is_authenticated else None,
        xml_form_id=form_id,
        instance_id=instance_id,
        reason=reason,
        xml=text,
    )
