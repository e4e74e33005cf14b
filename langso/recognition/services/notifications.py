"""E-mails to the people who must act next on a dossier: the holders of the role the
procedure names for its new step (and of the role that prepares it), on a unit
containing the dossier's unit, in Vietnamese, with a link to the dossier's page. Sent
after the transition is committed: a mail server that is down never undoes a step."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from langso.accounts.selectors import role_holders, unit_label
from langso.criteria.selectors.sets import criteria_set_in_force

from ..models import CLOSED_STEPS, Dossier, Step
from ..selectors.procedures import procedure_spec


def _what_to_do(step: str) -> str:
    return {
        Step.SELF_ASSESSMENT: _(
            "Rà soát kết quả tự đánh giá, chốt và công bố để lấy ý kiến người dân."
        ),
        Step.CONSULTATION: _(
            "Trả lời các ý kiến góp ý; hết thời hạn công khai thì kết thúc lấy ý kiến."
        ),
        Step.SUBMISSION: _("Tải lên các tài liệu của hồ sơ và ký trình hồ sơ lên tỉnh."),
        Step.APPRAISAL: _(
            "Thẩm định hồ sơ: ghi ý kiến từng tiêu chí, kiểm tra thực tế và kết luận."
        ),
        Step.SUPPLEMENT: _("Bổ sung hồ sơ theo yêu cầu của tỉnh và trình lại."),
        Step.DECISION: _("Ký và nhập quyết định công nhận."),
        Step.RECOGNISED: _("Đơn vị đã được công nhận đạt chuẩn; không cần thao tác thêm."),
        Step.NOT_RECOGNISED: _("Hồ sơ không được đề nghị công nhận; xem kết luận thẩm định."),
        Step.WITHDRAWN: _("Hồ sơ đã được rút; không cần thao tác thêm."),
        Step.REVOKED: _("Quyết định công nhận đã bị thu hồi; xem quyết định thu hồi."),
    }[Step(step)]


def _roles_to_tell(dossier: Dossier) -> list[str]:
    """Who must act at the dossier's step: its actor and preparer. A closed dossier is
    told to the unit that submitted it (the submission's actor and preparer)."""
    spec = procedure_spec(dossier.procedure)
    step = spec.steps.get(Step.SUBMISSION if dossier.step in CLOSED_STEPS else dossier.step)
    if step is None:
        return []
    return list(dict.fromkeys([step.actor, step.preparer]))


def dossier_recipients(dossier: Dossier) -> list[str]:
    """The e-mail addresses of the active users who must act next, each once."""
    addresses: dict[str, None] = {}
    for role in _roles_to_tell(dossier):
        for user in role_holders(role=role, unit=dossier.unit).exclude(email=""):
            addresses[user.email] = None
    return list(addresses)


def dossier_link(dossier: Dossier) -> str:
    return str(settings.SITE_URL).rstrip("/") + reverse("recognition:dossier", args=[dossier.pk])


def dossier_notify(*, dossier_id: int) -> int:
    """Tell the people who must act on the dossier at its step now; how many e-mails
    were sent (one per person, so that no one sees another's address)."""
    dossier = Dossier.objects.select_related("unit", "procedure", "criteria_set").get(pk=dossier_id)
    recipients = dossier_recipients(dossier)
    if not recipients:
        return 0
    criteria_set = dossier.criteria_set or criteria_set_in_force(
        code=dossier.set_code, province=dossier.unit.province, year=dossier.year
    )
    with translation.override("vi"):
        values = {
            "unit": unit_label(dossier.unit),
            "set": criteria_set.name_vi,
            "year": dossier.year,
            "step": dossier.get_step_display(),
        }
        subject = _("Hồ sơ công nhận %(unit)s, năm %(year)s: %(step)s") % values
        lines = [
            _("Hồ sơ công nhận của %(unit)s theo bộ tiêu chí “%(set)s”, năm %(year)s,") % values,
            _("nay ở bước: %(step)s.") % values,
        ]
        if dossier.step_due_on is not None:
            lines.append(_("Hạn hoàn thành: %(day)s.") % {"day": f"{dossier.step_due_on:%d/%m/%Y}"})
        lines += [
            "",
            _("Việc cần làm: %(todo)s") % {"todo": _what_to_do(dossier.step)},
            "",
            _("Xem hồ sơ: %(link)s") % {"link": dossier_link(dossier)},
        ]
    body = "\n".join(lines) + "\n"
    with get_connection() as connection:
        for address in recipients:
            send_mail(
                subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [address],
                connection=connection,
            )
    return len(recipients)
