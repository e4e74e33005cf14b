"""The public consultation's comments: a resident's or an organisation's comment left on
the consultation page without signing in, the officer's answer shown beside it, and an
abusive one hidden with a reason (kept stored and audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.selectors import user_holds_role
from langso.accounts.throttle import Limit, requests_count
from langso.core.actors import Actor
from langso.core.errors import AccessDenied, DomainError, FieldsInvalid, TooManyAttempts
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.places.models import AdminUnit, Level

from ..models import Comment, Dossier, Step
from ..selectors.procedures import procedure_spec
from ..selectors.public import consultation_is_open

# A comment is a paragraph or a page, not a file; a name is a person's or an
# organisation's. The model's own limits, checked before writing, with a message.
TEXT_MAX = 5000
NAME_MAX = Comment._meta.get_field("author_name").max_length or 150
CONTACT_MAX = Comment._meta.get_field("contact").max_length or 150
ANSWER_MAX = 5000
REASON_MAX = Comment._meta.get_field("hidden_reason").max_length or 300
# Anyone may post without signing in: an address posts at most five comments in ten
# minutes (a commune hall's one router still lets a meeting post a few), then waits.
COMMENT_LIMIT = Limit(attempts=5, window=10 * 60, lockout=10 * 60)
_THROTTLE_KIND = "consultation-comment"


def comment_answer_allowed(*, actor: Actor, dossier: Dossier) -> bool:
    """Whether `actor` may answer and hide the dossier's comments: the role the
    procedure names to prepare its consultation, on the dossier's unit or above it."""
    role = procedure_spec(dossier.procedure).step(Step.CONSULTATION).preparer
    return user_holds_role(user=actor, role=role, unit=dossier.unit)


def _check_answerer(actor: Actor, comment: Comment) -> None:
    dossier = comment.dossier
    if not comment_answer_allowed(actor=actor, dossier=dossier):
        raise AccessDenied(
            _(
                "Chỉ người giữ vai trò mà quy trình giao cho bước lấy ý kiến, trong phạm vi "
                "của %(unit)s, mới được trả lời hoặc ẩn góp ý."
            )
            % {"unit": dossier.unit.name}
        )


def comment_post(
    *,
    dossier: Dossier,
    author_kind: str,
    author_name: str,
    text: str,
    village: AdminUnit | None = None,
    contact: str = "",
    client_ip: str,
) -> Comment:
    """A comment on the dossier's public consultation, while it is open. Refused whole,
    each field with its reason, when a field is wrong; refused for a while when the
    address has posted too many."""
    if not consultation_is_open(dossier):
        raise DomainError(
            _("Hồ sơ của %(unit)s không còn trong thời gian lấy ý kiến: không nhận thêm góp ý.")
            % {"unit": dossier.unit.name}
        )
    author_name, text, contact = author_name.strip(), text.strip(), contact.strip()
    errors: dict[str, str] = {}
    if author_kind not in Comment.Author.values:
        errors["author_kind"] = _("Chọn người góp ý trong danh sách.")
    if not author_name:
        errors["author_name"] = _("Cần họ tên hoặc tên tổ chức.")
    elif len(author_name) > NAME_MAX:
        errors["author_name"] = _("Họ tên dài quá %(max)s ký tự.") % {"max": NAME_MAX}
    if not text:
        errors["text"] = _("Cần nội dung góp ý.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Nội dung góp ý dài quá %(max)s ký tự.") % {"max": TEXT_MAX}
    if len(contact) > CONTACT_MAX:
        errors["contact"] = _("Thông tin liên hệ dài quá %(max)s ký tự.") % {"max": CONTACT_MAX}
    if village is not None and (
        village.level != Level.VILLAGE or not dossier.unit.contains(village)
    ):
        errors["village"] = _("Thôn “%(village)s” không thuộc %(unit)s.") % {
            "village": village.name,
            "unit": dossier.unit.name,
        }
    if errors:
        raise FieldsInvalid(errors)
    retry_after = requests_count(kind=_THROTTLE_KIND, value=client_ip, limit=COMMENT_LIMIT)
    if retry_after:
        raise TooManyAttempts(
            _("Đã gửi quá nhiều góp ý từ địa chỉ này. Thử lại sau %(minutes)s phút.")
            % {"minutes": max(1, -(-retry_after // 60))},
            retry_after=retry_after,
        )
    with transaction.atomic():
        comment = Comment.objects.create(
            dossier=dossier,
            author_kind=author_kind,
            author_name=author_name,
            text=text,
            village=village,
            contact=contact,
        )
        audit_record(
            actor=None,
            instance=comment,
            action=AuditEntry.Action.CREATE,
            after=model_snapshot(comment, ["dossier", "author_kind", "author_name", "village"]),
        )
    return comment


def _update(*, actor: Actor, comment: Comment, changes: dict[str, object]) -> Comment:
    fields = list(changes)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        before = model_snapshot(locked, fields)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            instance=locked,
            action=AuditEntry.Action.UPDATE,
            before=before,
            after=model_snapshot(locked, fields),
        )
    for name, value in changes.items():
        setattr(comment, name, value)
    return comment


def comment_answer(*, actor: Actor, comment: Comment, answer: str) -> Comment:
    """The officer's answer to a comment, shown publicly beside it; a later answer
    replaces it. By the role the procedure names to prepare the consultation."""
    _check_answerer(actor, comment)
    answer = answer.strip()
    if not answer:
        raise FieldsInvalid({"answer": _("Cần nội dung trả lời.")})
    if len(answer) > ANSWER_MAX:
        raise FieldsInvalid(
            {"answer": _("Câu trả lời dài quá %(max)s ký tự.") % {"max": ANSWER_MAX}}
        )
    return _update(
        actor=actor,
        comment=comment,
        changes={"answer": answer, "answered_by": actor, "answered_at": timezone.now()},
    )


def comment_hide(*, actor: Actor, comment: Comment, reason: str) -> Comment:
    """Hide an abusive comment from the public page, with the reason; it stays stored."""
    _check_answerer(actor, comment)
    reason = reason.strip()
    if not reason:
        raise FieldsInvalid({"reason": _("Cần lý do ẩn góp ý.")})
    if len(reason) > REASON_MAX:
        raise FieldsInvalid({"reason": _("Lý do dài quá %(max)s ký tự.") % {"max": REASON_MAX}})
    return _update(actor=actor, comment=comment, changes={"hidden_reason": reason})
