"""The dossier's transitions as plain POST forms on the dossier page (no JavaScript
needed): each form calls one service and comes back to the page with a success
message, or shows the page again with the service's refusal next to the form. Opening
a dossier has a page of its own, linked from the board."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from langso.accounts.roles import Permission
from langso.accounts.selectors import scope_unit
from langso.core.actors import Actor
from langso.core.errors import DomainError, NotFound
from langso.criteria.selectors.sets import criteria_sets_in_force
from langso.places.models import Level

from ..forms import (
    ActionForm,
    ConcludeForm,
    ConfirmedForm,
    DecisionForm,
    DossierOpenForm,
    FieldVisitForm,
    FindingsForm,
    ResubmitForm,
    ReturnForm,
    RevocationForm,
    UploadForm,
    WithdrawForm,
)
from ..models import Dossier
from ..selectors.actions import DossierAction, dossier_action, dossier_actions
from ..selectors.dossier_page import dossier_get_for_user, dossier_page
from ..services.appraisal import (
    appraisal_conclude,
    decision_record,
    dossier_resubmit,
    dossier_return,
    dossier_revoke,
    field_visit_record,
    findings_record,
)
from ..services.dossiers import (
    consultation_close,
    document_upload,
    dossier_open,
    dossier_publish,
    dossier_submit,
    dossier_withdraw,
    snapshot_freeze,
)

ACTION_FORMS: dict[str, type[ActionForm]] = {
    "freeze": ActionForm,
    "publish": ActionForm,
    "close": ActionForm,
    "upload": UploadForm,
    "submit": ConfirmedForm,
    "findings": FindingsForm,
    "visit": FieldVisitForm,
    "return": ReturnForm,
    "conclude": ConcludeForm,
    "resubmit": ResubmitForm,
    "decide": DecisionForm,
    "revoke": RevocationForm,
    "withdraw": WithdrawForm,
}


def action_form(action: DossierAction, data: Any = None, files: Any = None) -> ActionForm:
    """The form of `action`, its fields prefixed by the action (several on one page)."""
    form_class = ACTION_FORMS[action.code]
    if form_class is UploadForm:
        return UploadForm(data, files, prefix=action.code, kinds=action.kinds)
    if form_class is FindingsForm:
        return FindingsForm(data, files, prefix=action.code, criteria=action.criteria)
    return form_class(data, files, prefix=action.code)


def _perform(code: str, actor: Actor, dossier: Dossier, form: ActionForm) -> str:
    """Call the action's service; the success message."""
    data = form.cleaned_data
    if code == "freeze":
        snapshot_freeze(actor=actor, dossier=dossier)
        return _("Đã chốt kết quả tự đánh giá.")
    if code == "publish":
        dossier_publish(actor=actor, dossier=dossier)
        return _("Đã công bố kết quả tự đánh giá để lấy ý kiến người dân.")
    if code == "close":
        consultation_close(actor=actor, dossier=dossier)
        return _("Đã kết thúc lấy ý kiến; hồ sơ chuyển sang bước trình hồ sơ.")
    if code == "upload":
        document_upload(actor=actor, dossier=dossier, kind=data["kind"], file=data["file"])
        return _("Đã tải lên tài liệu.")
    if code == "submit":
        dossier_submit(actor=actor, dossier=dossier)
        return _("Đã trình hồ sơ lên tỉnh thẩm định.")
    if code == "findings":
        assert isinstance(form, FindingsForm)  # noqa: S101  # ACTION_FORMS pairs them
        findings_record(actor=actor, dossier=dossier, findings=form.findings())
        return _("Đã lưu ý kiến thẩm định.")
    if code == "visit":
        field_visit_record(
            actor=actor,
            dossier=dossier,
            visited_on=data["visited_on"],
            members=data["members"],
            notes=data["notes"],
            file=data["file"] or None,
        )
        return _("Đã lưu kết quả kiểm tra thực tế.")
    if code == "return":
        assert isinstance(form, ReturnForm)  # noqa: S101  # ACTION_FORMS pairs them
        dossier_return(
            actor=actor, dossier=dossier, supplements=form.lines(), conclusion=data["conclusion"]
        )
        return _("Đã trả hồ sơ để xã bổ sung.")
    if code == "resubmit":
        dossier_resubmit(actor=actor, dossier=dossier, refreeze=data["refreeze"])
        return _("Đã trình lại hồ sơ.")
    if code == "conclude":
        appraisal_conclude(
            actor=actor, dossier=dossier, recommend=data["recommend"], conclusion=data["conclusion"]
        )
        return _("Đã ghi kết luận thẩm định.")
    if code in ("decide", "revoke"):
        signed = {name: data[name] for name in ("number", "signed_on", "signer", "file")}
        if code == "decide":
            decision_record(actor=actor, dossier=dossier, **signed)
            return _("Đã ghi quyết định công nhận.")
        dossier_revoke(actor=actor, dossier=dossier, reason=data["reason"], **signed)
        return _("Đã ghi quyết định thu hồi công nhận.")
    dossier_withdraw(actor=actor, dossier=dossier, reason=data["reason"])
    return _("Đã rút hồ sơ.")


def dossier_render(
    request: HttpRequest, pk: int, *, failed: tuple[DossierAction, ActionForm] | None = None
) -> HttpResponse:
    """The dossier page with the forms of the actions the reader may take; a refused
    form shown as sent, with its reasons (even when the step no longer offers it)."""
    page = dossier_page(user=request.user, pk=pk)
    actions = [
        (action, action_form(action))
        for action in dossier_actions(user=request.user, dossier=page.dossier)
    ]
    if failed is not None:
        refused, form = failed
        actions = [(a, form if a.code == refused.code else f) for a, f in actions]
        if refused.code not in {a.code for a, _f in actions}:
            actions.append(failed)
    return render(
        request,
        "recognition/dossier.html",
        {"page": page, "actions": actions, "nav_current": "dossiers"},
        status=200 if failed is None else 400,
    )


@login_required
@require_POST
def dossier_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One transition of the dossier, by the service of the action."""
    dossier = dossier_get_for_user(user=request.user, pk=pk)
    if action not in ACTION_FORMS:
        raise NotFound(_("Không có thao tác này."))
    chosen = dossier_action(dossier, action)
    form = action_form(chosen, request.POST, request.FILES)
    if form.is_valid():
        try:
            message = _perform(action, request.user, dossier, form)
        except NotFound:
            raise
        except DomainError as exc:
            # The dossier is in the reader's scope: a refusal for the role (the step's
            # role named) tells nothing new and is shown beside the form like the others.
            form.add_service_errors(exc)
        else:
            messages.success(request, message)
            return redirect("recognition:dossier", pk=dossier.pk)
    return dossier_render(request, pk, failed=(chosen, form))


def _set_choices(user: Actor) -> list[tuple[str, str]]:
    """The commune sets in force in the reader's province (national ones everywhere)."""
    unit = scope_unit(user=user, permission=Permission.VIEW_SCOPED)
    province = None if unit is None else (unit if unit.level == Level.PROVINCE else unit.province)
    return [
        (s.code, s.name_vi)
        for s in criteria_sets_in_force(province=province)
        if s.level == Level.COMMUNE
    ]


@login_required
@require_http_methods(["GET", "POST"])
def dossier_open_page(request: HttpRequest) -> HttpResponse:
    """Open a commune's dossier for a set and a year (`?don-vi=<code>` picks the commune)."""
    sets = _set_choices(request.user)
    initial = {"unit": request.GET.get("don-vi", ""), "year": timezone.localdate().year}
    form = DossierOpenForm(request.POST or None, initial=initial, user=request.user, sets=sets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = dossier_open(
                actor=request.user, unit=data["unit"], set_code=data["set_code"], year=data["year"]
            )
        except DomainError as exc:
            # The commune was picked within the reader's scope: a set without a procedure
            # (NotFound) or a role refused is said on the form.
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Đã mở hồ sơ công nhận."))
            return redirect(reverse("recognition:dossier", args=[dossier.pk]))
    return render(
        request, "recognition/dossier_open.html", {"form": form, "nav_current": "dossiers"}
    )
