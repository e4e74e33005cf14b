"""One instance, one submission. ODK names a filled form by its instanceID, per form
(`submission_instance_per_form`): the same instance sent again (a retry after a slow
answer, "send" tapped twice, the remaining parts of a large submission) is the
submission already stored, and is answered as a resend. Shared by the plain and the
encrypted receiving (`services.submissions`, `services.encryption`); imports no other
service, so that both can call it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.db import for_update

from ..models import FormVersion, Submission, SurveyForm
from ..openrosa import SubmissionInvalid, SubmittedInstance


@dataclass(frozen=True)
class SubmissionPost:
    """One POST of an instance, checked as far as its form version: who sent it, to
    which version, the instance parsed and as sent (`text`), its files, and whether
    the client said that more are to follow (`*isIncomplete*`)."""

    collector: Actor
    version: FormVersion
    instance: SubmittedInstance
    text: str
    files: Sequence[UploadedFile[bytes]]
    incomplete: bool


@dataclass(frozen=True)
class Received:
    submission: Submission
    # False when the instance was already stored and this POST added nothing to it.
    new: bool


def submission_stored(*, form: SurveyForm, instance_id: str) -> Submission | None:
    """The submission stored for `form` under `instance_id`, locked until the transaction
    ends: of two POSTs adding to it at once, the second reads it, and its attachments,
    once the first has committed. (SQLite needs no lock: a transaction takes the write
    lock when it begins, `SPATIALITE_OPTIONS`.)"""
    return for_update(Submission.objects.filter(form=form, instance_id=instance_id)).first()


def instance_taken(instance_id: str) -> SubmissionInvalid:
    """The refusal of another body sent under an instanceID already stored."""
    return SubmissionInvalid(
        _("Đã có bài khác mang cùng instanceID “%(id)s”.") % {"id": instance_id}, status=409
    )


def submission_receive_once(
    *,
    post: SubmissionPost,
    create: Callable[[SubmissionPost], Submission],
    resend: Callable[[Submission, SubmissionPost], bool],
) -> Received:
    """`create` the submission of an instance not stored yet, or else `resend` the post
    to the one stored (returning whether it added anything; raising `instance_taken`
    for another body).

    Two first POSTs of an instance at once both find none stored: on PostgreSQL there
    is no row to lock yet. Both create it; the second's INSERT waits on the unique index
    until the first has committed, then fails, and an edit's fails sooner, when it finds
    its predecessor replaced (`submission_predecessor`, which waited on its lock). So
    `create` runs in a savepoint, which takes back whatever the loser wrote before (a
    household it created, values it applied), and the loser is answered as if it had
    come after the first: as a resend, one code path for both. The instance found stored
    after the failure is what tells that race from any other failure, which is raised
    as it came.
    On SQLite two POSTs cannot both miss: writers take turns from the start of the
    transaction, and the second finds the first's submission."""
    form, instance_id = post.version.form, post.instance.instance_id
    stored = submission_stored(form=form, instance_id=instance_id)
    if stored is None:
        try:
            with transaction.atomic():
                return Received(create(post), new=True)
        except (IntegrityError, SubmissionInvalid):
            stored = submission_stored(form=form, instance_id=instance_id)
            if stored is None:
                raise
    return Received(stored, new=resend(stored, post))
