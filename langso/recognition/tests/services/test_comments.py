"""Comments on the public consultation: posted without signing in while it is open,
checked field by field and throttled per address; answered and hidden by the role the
procedure names for the consultation, in scope, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from langso.core.errors import AccessDenied, DomainError, FieldsInvalid, TooManyAttempts
from langso.core.models import AuditEntry
from langso.recognition.models import Comment, Dossier, Step
from langso.recognition.services.comments import comment_answer, comment_hide, comment_post
from langso.registry.testing import RegistryTree, RegistryUsers

from ..conftest import Roles

IP = "203.0.113.7"


def _post(dossier: Dossier, *, client_ip: str = IP, **changes: Any) -> Comment:
    """A resident's comment on `dossier`, with `changes` to its fields."""
    return comment_post(
        dossier=dossier,
        author_kind=changes.pop("author_kind", Comment.Author.RESIDENT),
        author_name=changes.pop("author_name", "Nguyễn Văn Bình"),
        text=changes.pop("text", "Đường thôn 2 chưa được trải nhựa như báo cáo."),
        client_ip=client_ip,
        **changes,
    )


def test_a_resident_comments_on_an_open_consultation(
    consultation: Dossier, tree: RegistryTree
) -> None:
    """A comment with a village of the commune and a contact is stored, and audited."""
    comment = _post(consultation, village=tree.a1, contact="0912 345 678")
    assert comment.village == tree.a1
    assert comment.contact == "0912 345 678"
    assert AuditEntry.objects.filter(object_id=str(comment.pk), action="create").exists()


@pytest.mark.parametrize("closed", ["past_due", "moved_on"])
def test_no_comment_once_the_consultation_has_ended(consultation: Dossier, closed: str) -> None:
    """After the due day, or once the dossier has moved to submission, comments are
    refused with the unit's name."""
    if closed == "past_due":
        consultation.step_due_on = timezone.localdate() - dt.timedelta(days=1)
    else:
        consultation.step = Step.SUBMISSION
    consultation.save()
    with pytest.raises(DomainError, match="không còn trong thời gian lấy ý kiến"):
        _post(consultation)
    assert not Comment.objects.exists()


def test_bad_fields_are_each_named(consultation: Dossier, tree: RegistryTree) -> None:
    """Empty name and text, an unknown author kind, a village of another commune, a text
    too long: each field refused with its reason, nothing written."""
    with pytest.raises(FieldsInvalid) as refused:
        _post(consultation, author_kind="robot", author_name=" ", text="", village=tree.b1)
    assert set(refused.value.errors) == {"author_kind", "author_name", "text", "village"}
    assert tree.b1.name in refused.value.errors["village"]
    with pytest.raises(FieldsInvalid) as refused:
        _post(consultation, text="x" * 5001)
    assert set(refused.value.errors) == {"text"}
    assert not Comment.objects.exists()


def test_an_address_posting_too_often_waits(consultation: Dossier) -> None:
    """Five comments in ten minutes from one address; the sixth is refused (429), while
    another address still posts."""
    for _ in range(5):
        _post(consultation)
    with pytest.raises(TooManyAttempts) as refused:
        _post(consultation)
    assert refused.value.status_code == 429
    assert "phút" in refused.value.message
    _post(consultation, client_ip="198.51.100.1")
    assert Comment.objects.count() == 6


def test_the_commune_officer_answers_and_hides(consultation: Dossier, users: RegistryUsers) -> None:
    """The consultation's preparer (the commune officer in the test procedure) answers
    and hides; both are audited with the changes."""
    comment = _post(consultation)
    comment_answer(actor=users.officer_a, comment=comment, answer="Xã sẽ kiểm tra lại.")
    comment.refresh_from_db()
    assert comment.answer == "Xã sẽ kiểm tra lại."
    assert comment.answered_by == users.officer_a
    assert comment.answered_at is not None
    comment_hide(actor=users.officer_a, comment=comment, reason="Lời lẽ xúc phạm")
    comment.refresh_from_db()
    assert comment.hidden_reason == "Lời lẽ xúc phạm"
    updates = AuditEntry.objects.filter(object_id=str(comment.pk), action="update")
    assert updates.count() == 2


@pytest.mark.parametrize(
    "who", ["officer_b", "province_officer", "digital_team_a", "commune_leader", "nobody"]
)
def test_other_roles_may_not_answer(
    consultation: Dossier, users: RegistryUsers, roles: Roles, who: str
) -> None:
    """A role the procedure does not name for the consultation, or the officer of
    another commune, is refused; nothing changes."""
    actor = getattr(roles, who) if who == "commune_leader" else users.of(who)
    comment = _post(consultation)
    with pytest.raises(AccessDenied):
        comment_answer(actor=actor, comment=comment, answer="Trả lời")
    with pytest.raises(AccessDenied):
        comment_hide(actor=actor, comment=comment, reason="Lý do")
    comment.refresh_from_db()
    assert comment.answer == ""
    assert comment.hidden_reason == ""


def test_an_empty_answer_or_reason_is_refused(consultation: Dossier, users: RegistryUsers) -> None:
    comment = _post(consultation)
    with pytest.raises(FieldsInvalid):
        comment_answer(actor=users.officer_a, comment=comment, answer="  ")
    with pytest.raises(FieldsInvalid):
        comment_hide(actor=users.officer_a, comment=comment, reason="")
