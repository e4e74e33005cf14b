"""Reviewing submissions: received → has issues → approved or rejected, with comments.
Approving a submission of a form that counts only approved data applies its household
values; rejecting one undoes what it wrote, where nothing changed the household since."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.db import for_update
from langso.core.errors import DomainError
from langso.core.models import AuditEntry
from langso.core.services import audit_record

from ..models import EntityState, Submission, SubmissionComment
from ..selectors import submission_review_check
from .entities import submission_entity_apply, submission_entity_discard


class ReviewInvalid(DomainError):
    pass


# What a reviewer may move a submission to: "encrypted" is only where one arrives.
REVIEW_STATES = [s for s in Submission.State.values if s != Submission.State.ENCRYPTED]


@transaction.atomic
def submission_review(
    *, actor: Actor, submission: Submission, state: str, comment: str = ""
) -> tuple[Submission, str]:
    """Move a submission to `state` with an optional comment (a comment alone keeps the
    state). A conflict must be settled before approval. Returns the submission and a
    note for the reviewer about the household ("" when there is none)."""
    submission = (
        for_update(Submission.objects.all())
        .select_related("household", "version__form__unit", "village", "commune", "province")
        .get(pk=submission.pk)
    )
    submission_review_check(actor=actor, submission=submission)
    comment = comment.strip()
    if state not in REVIEW_STATES and state != submission.state:
        raise ReviewInvalid(_("Trạng thái “%(state)s” không có.") % {"state": state[:20]})
    if state == submission.state and not comment:
        raise ReviewInvalid(_("Bài đã ở trạng thái này; thêm nhận xét nếu muốn ghi chú."))
    if submission.state == Submission.State.ENCRYPTED and state != submission.state:
        raise ReviewInvalid(_("Bài còn mã hoá: giải mã bài trước khi duyệt."))
    note = ""
    before = submission.state
    if state != before:
        if state == Submission.State.APPROVED:
            if submission.entity_state == EntityState.CONFLICT:
                raise ReviewInvalid(
                    _("Bài còn xung đột với hộ: chọn giá trị giữ lại trước khi duyệt.")
                )
            submission_entity_apply(submission=submission, actor=actor)
            if submission.entity_state == EntityState.CONFLICT:
                note = _(
                    "Hộ đã thay đổi sau khi bài được thu thập: bài chuyển sang xung đột, "
                    "cần chọn giá trị giữ lại."
                )
                state = Submission.State.HAS_ISSUES
        elif state == Submission.State.REJECTED:
            note = submission_entity_discard(submission=submission, actor=actor)
        submission.state = state
        submission.save(update_fields=["state"])
    SubmissionComment.objects.create(
        submission=submission,
        author_id=actor.pk,
        text=comment,
        state=state if state != before else "",
    )
    audit_record(
        actor=actor,
        instance=submission,
        action=AuditEntry.Action.UPDATE,
        before={"state": before},
        after={"state": submission.state, "entity_state": submission.entity_state},
    )
    return submission, note
