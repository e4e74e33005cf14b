"""The transitions a reader may make on a dossier now: those its current step offers,
kept to the ones whose role (named by the procedure) the reader holds on a unit
containing the dossier's. The role is checked as the services check it (`steps`), so
the page never offers what the service would refuse for the role."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.errors import DomainError

from ..models import CLOSED_STEPS, Dossier, Step
from ..services.dossiers import OTHER_DOCUMENT, document_kinds
from ..services.steps import REVOCATION, step_actor, step_preparer

# Who makes each action: the actor of a step moves the dossier on; its preparer (or its
# actor) prepares it.
ACTOR, PREPARER = "actor", "preparer"

# What each step offers, in the order the page shows them: (action, who, of which step).
STEP_ACTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    Step.SELF_ASSESSMENT: (
        ("freeze", ACTOR, Step.SELF_ASSESSMENT),
        ("publish", ACTOR, Step.SELF_ASSESSMENT),
    ),
    Step.CONSULTATION: (
        ("upload", PREPARER, Step.CONSULTATION),
        ("close", ACTOR, Step.CONSULTATION),
    ),
    Step.SUBMISSION: (("upload", PREPARER, Step.SUBMISSION), ("submit", ACTOR, Step.SUBMISSION)),
    Step.APPRAISAL: (
        ("findings", ACTOR, Step.APPRAISAL),
        ("visit", ACTOR, Step.APPRAISAL),
        ("return", ACTOR, Step.APPRAISAL),
        ("conclude", ACTOR, Step.APPRAISAL),
    ),
    Step.SUPPLEMENT: (
        ("upload", PREPARER, Step.SUPPLEMENT),
        ("freeze", PREPARER, Step.SUPPLEMENT),
        ("resubmit", ACTOR, Step.SUPPLEMENT),
    ),
    Step.DECISION: (("decide", ACTOR, Step.DECISION),),
    Step.RECOGNISED: (("revoke", ACTOR, REVOCATION),),
}
# Withdrawal, from any open step, by the submission's actor (the commune's leader).
WITHDRAW = ("withdraw", ACTOR, Step.SUBMISSION)


def action_labels() -> dict[str, str]:
    return {
        "freeze": _("Chốt kết quả tự đánh giá"),
        "publish": _("Công bố lấy ý kiến người dân"),
        "close": _("Kết thúc lấy ý kiến"),
        "upload": _("Tải lên tài liệu"),
        "submit": _("Trình hồ sơ"),
        "findings": _("Ý kiến thẩm định từng tiêu chí"),
        "visit": _("Kiểm tra thực tế"),
        "return": _("Trả hồ sơ để bổ sung"),
        "resubmit": _("Trình lại hồ sơ"),
        "conclude": _("Kết luận thẩm định"),
        "decide": _("Quyết định công nhận"),
        "revoke": _("Thu hồi công nhận"),
        "withdraw": _("Rút hồ sơ"),
    }


@dataclass(frozen=True)
class CriterionToAppraise:
    """A criterion of the open round's snapshot, with the finding entered so far."""

    code: str
    name: str
    agrees: bool | None = None
    note: str = ""


@dataclass(frozen=True)
class DossierAction:
    """One action offered: its code (the form and the route), its Vietnamese label, and
    what its form lists (the document kinds to upload, the criteria to appraise)."""

    code: str
    label: str
    kinds: tuple[tuple[str, str], ...] = ()
    criteria: tuple[CriterionToAppraise, ...] = field(default=())


def _may(actor: Actor, dossier: Dossier, who: str, step: str) -> bool:
    try:
        if who == ACTOR:
            step_actor(actor, dossier, step)
        else:
            step_preparer(actor, dossier, step)
    except DomainError:
        return False
    return True


def _criteria_to_appraise(dossier: Dossier) -> tuple[CriterionToAppraise, ...]:
    appraisal = (
        dossier.rounds.filter(outcome="")
        .select_related("snapshot")
        .prefetch_related("findings")
        .order_by("-number")
        .first()
    )
    if appraisal is None:
        return ()
    found = {f.criterion_code: f for f in appraisal.findings.all()}
    criteria = [c for c in appraisal.snapshot.content.get("criteria") or [] if isinstance(c, dict)]
    return tuple(
        CriterionToAppraise(
            code=str(c.get("code", "")),
            name=str(c.get("name_vi", "")),
            agrees=found[str(c.get("code"))].agrees if str(c.get("code")) in found else None,
            note=found[str(c.get("code"))].note if str(c.get("code")) in found else "",
        )
        for c in criteria
    )


def dossier_action(dossier: Dossier, code: str) -> DossierAction:
    """The action `code` with what its form lists, whoever asks (the service decides)."""
    kinds: tuple[tuple[str, str], ...] = ()
    criteria: tuple[CriterionToAppraise, ...] = ()
    if code == "upload":
        listed = document_kinds(dossier)
        kinds = (*listed.items(), (OTHER_DOCUMENT, _("Tài liệu khác")))
    if code == "findings":
        criteria = _criteria_to_appraise(dossier)
    return DossierAction(
        code=code, label=action_labels().get(code, ""), kinds=kinds, criteria=criteria
    )


def dossier_actions(*, user: Actor, dossier: Dossier) -> list[DossierAction]:
    """The actions `user` may take on `dossier` at its current step (the dossier is one
    the caller read within the user's scope)."""
    offered = list(STEP_ACTIONS.get(dossier.step, ()))
    if dossier.step not in CLOSED_STEPS:
        offered.append(WITHDRAW)
    checked: dict[tuple[str, str], bool] = {}
    codes = []
    for code, who, step in offered:
        if (who, step) not in checked:
            checked[who, step] = _may(user, dossier, who, step)
        if checked[who, step]:
            codes.append(code)
    return [dossier_action(dossier, code) for code in codes]
