"""What every transition of a dossier shares: who may make it (the role the procedure
names for the step, held on a unit containing the dossier's), the step it must start
from, and the move itself — the new step with its deadline, the timeline row, the audit
entry and the e-mails to whoever must act next, sent once the move is committed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Role
from langso.accounts.selectors import user_holds_role
from langso.core.actors import Actor
from langso.core.errors import AccessDenied, DomainError
from langso.core.models import AuditEntry
from langso.core.services import audit_record
from langso.core.workdays import working_days_add
from langso.places.models import AdminUnit

from ..models import CLOSED_STEPS, Dossier, Step, Transition
from ..procedure import ProcedureSpec, StepSpec
from ..selectors.procedures import procedure_spec
from ..tasks import dossier_notify_task

# The procedure's entry for revocation: a case opened on a recognised dossier.
REVOCATION = "revocation"


def today() -> dt.date:
    return timezone.localdate()


def date_shown(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def spec_of(dossier: Dossier) -> ProcedureSpec:
    return procedure_spec(dossier.procedure)


def step_spec(dossier: Dossier, step: str) -> StepSpec:
    spec = spec_of(dossier)
    if step not in spec.steps:
        raise DomainError(
            _("Quy trình “%(procedure)s” không có bước “%(step)s”.")
            % {"procedure": spec.name_vi, "step": _step_name(step)}
        )
    return spec.step(step)


def _step_name(step: str) -> str:
    return str(Step(step).label) if step in Step.values else _("Thu hồi công nhận")


def acting_role(actor: Actor, unit: AdminUnit, roles: Sequence[str]) -> str:
    """The role among `roles` (those the procedure names for the step) that `actor`
    holds on a unit containing the dossier's `unit`; refused, naming the role needed,
    when none. No other role stands in for it."""
    for role in roles:
        if user_holds_role(user=actor, role=role, unit=unit):
            return role
    first, *others = [str(Role(role).label) for role in dict.fromkeys(roles)]
    if not others:
        raise AccessDenied(_("Bước này do %(role)s thực hiện.") % {"role": first})
    raise AccessDenied(
        _("Bước này do %(role)s hoặc %(other)s thực hiện.")
        % {"role": first, "other": ", ".join(others)}
    )


def step_actor(actor: Actor, dossier: Dossier, step: str) -> str:
    """The role by which `actor` moves the dossier out of `step` (the step's actor)."""
    return acting_role(actor, dossier.unit, [step_spec(dossier, step).actor])


def step_preparer(actor: Actor, dossier: Dossier, step: str) -> str:
    """The role by which `actor` prepares `step` (its preparer, or its actor)."""
    spec = step_spec(dossier, step)
    return acting_role(actor, dossier.unit, [spec.preparer, spec.actor])


def dossier_lock(dossier: Dossier) -> Dossier:
    """The dossier re-read under a row lock, so that two transitions never race."""
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("unit", "procedure")
        .get(pk=dossier.pk)
    )


def expect_step(dossier: Dossier, steps: Sequence[str], action: str) -> None:
    """Refuse, with the step the dossier is at, an action it cannot take from there."""
    if dossier.step not in steps:
        raise DomainError(
            _("Hồ sơ đang ở bước %(step)s, không thể %(action)s.")
            % {"step": dossier.get_step_display(), "action": action}
        )


def step_due_on(dossier: Dossier, step: str, started: dt.date) -> dt.date | None:
    """When `step`, begun on `started`, must be done: the consultation stays posted
    for its calendar days; other steps count the procedure's working days (Tết and the
    other holidays excluded). None where the procedure sets no limit."""
    if step in CLOSED_STEPS:
        return None
    spec = spec_of(dossier).steps.get(step)
    if spec is None:
        return None
    if step == Step.CONSULTATION:
        return None if spec.public_days is None else started + dt.timedelta(days=spec.public_days)
    if spec.deadline_working_days is None:
        return None
    return working_days_add(started, spec.deadline_working_days)


def dossier_move(
    dossier: Dossier,
    *,
    actor: Actor,
    role: str,
    action: str,
    to_step: str,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> Dossier:
    """Move a locked dossier to `to_step`: its deadline, the timeline row, the audit
    entry; the e-mails leave once the transaction commits."""
    from_step = dossier.step
    started = today()
    dossier.step = to_step
    dossier.step_started_on = started
    dossier.step_due_on = step_due_on(dossier, to_step, started)
    fields = ["step", "step_started_on", "step_due_on"]
    if to_step in CLOSED_STEPS:
        dossier.closed_at = timezone.now()
        fields.append("closed_at")
    fields.extend(extra or {})
    for name, value in (extra or {}).items():
        setattr(dossier, name, value)
    dossier.save(update_fields=fields)
    Transition.objects.create(
        dossier=dossier,
        action=action,
        from_step=from_step,
        to_step=to_step,
        actor_id=actor.pk,
        role=role,
        note=note,
    )
    audit_record(
        actor=actor,
        instance=dossier,
        action=AuditEntry.Action.UPDATE,
        before={"step": from_step},
        after={"step": to_step, "action": action},
    )
    dossier_notify_on_commit(dossier)
    return dossier


def dossier_notify_on_commit(dossier: Dossier) -> None:
    """Once the move is committed, the task worker tells whoever must act next (a mail
    server down never undoes the move, nor holds the request)."""
    dossier_id = dossier.pk
    transaction.on_commit(lambda: dossier_notify_task.enqueue(dossier_id=dossier_id), robust=True)
