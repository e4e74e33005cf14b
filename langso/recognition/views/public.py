"""The public consultation page (no sign-in, no JavaScript needed, a phone's width) and
the open consultations of a province; the list of recognised units with the at-risk
flag; and the officer's page answering and hiding a dossier's comments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from langso.accounts.roles import Permission
from langso.accounts.selectors import scope_unit, unit_label
from langso.accounts.throttle import client_address
from langso.core.errors import NotFound
from langso.core.forms import RefusalShown, ServiceErrorsMixin
from langso.criteria.selectors.recognitions import set_names
from langso.places.models import AdminUnit, Level
from langso.places.selectors import today, unit_children, unit_get

from ..models import Comment
from ..selectors.public import Consultation, consultation_get, consultations_open
from ..selectors.recognitions import (
    dossiers_for_user,
    provinces_in_scope,
    recognised_dossiers,
    recognitions_at_risk,
    recognitions_for_user,
)
from ..services.comments import (
    CONTACT_MAX,
    NAME_MAX,
    TEXT_MAX,
    comment_answer,
    comment_answer_allowed,
    comment_hide,
    comment_post,
)

YEARS = (2000, 2100)


class CommentForm(ServiceErrorsMixin, forms.Form):
    """A comment on the consultation page: the service checks it again, and throttles."""

    author_kind = forms.ChoiceField(
        label=gettext_lazy("Người góp ý"), choices=Comment.Author.choices
    )
    author_name = forms.CharField(
        label=gettext_lazy("Họ tên hoặc tên tổ chức"), max_length=NAME_MAX
    )
    village = forms.ChoiceField(label=gettext_lazy("Thôn"), required=False)
    text = forms.CharField(
        label=gettext_lazy("Nội dung góp ý"), max_length=TEXT_MAX, widget=forms.Textarea
    )
    contact = forms.CharField(
        label=gettext_lazy("Điện thoại hoặc thư điện tử (không công khai)"),
        max_length=CONTACT_MAX,
        required=False,
    )

    def __init__(self, *args: Any, villages: list[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.villages = {str(v.pk): v for v in villages}
        village = self.fields["village"]
        assert isinstance(village, forms.ChoiceField)  # noqa: S101  # declared above
        village.choices = [
            ("", _("— Không chọn —")),
            *((k, v.name) for k, v in self.villages.items()),
        ]

    def chosen_village(self) -> AdminUnit | None:
        return self.villages.get(self.cleaned_data.get("village") or "")


def _consultation_context(consultation: Consultation, form: CommentForm) -> dict[str, Any]:
    sha256 = consultation.snapshot.sha256
    return {
        "consultation": consultation,
        "dossier": consultation.dossier,
        "unit_label": unit_label(consultation.dossier.unit),
        "form": form,
        "verify_url": reverse("recognition:verify", args=[sha256]),
        "report_url": reverse("recognition:verify-report", args=[sha256]),
    }


@require_http_methods(["GET", "POST"])
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    """The public record of a dossier's consultation, and its comment form while open."""
    found = consultation_get(pk=pk)
    if request.method == "POST" and found.is_open:
        form = CommentForm(request.POST, villages=found.villages)
        if form.is_valid():
            with RefusalShown(form=form) as refusal:
                comment_post(
                    dossier=found.dossier,
                    author_kind=form.cleaned_data["author_kind"],
                    author_name=form.cleaned_data["author_name"],
                    text=form.cleaned_data["text"],
                    village=form.chosen_village(),
                    contact=form.cleaned_data["contact"],
                    client_ip=client_address(request),
                )
            if not refusal.failed:
                messages.success(request, _("Đã nhận góp ý. Cảm ơn bạn."))
                return redirect(f"{request.path}#y-kien")
    else:
        form = CommentForm(villages=found.villages)
    return render(request, "recognition/consultation.html", _consultation_context(found, form))


@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    """The consultations running in a province (`?tinh=<code>`), or the provinces."""
    code = request.GET.get("tinh", "").strip()
    province = unit_get(code=code) if code else None
    if province is not None and province.level != Level.PROVINCE:
        raise NotFound(_("Không có tỉnh mã “%(code)s”.") % {"code": code})
    context: dict[str, Any] = {"province": province}
    if province is None:
        context["provinces"] = list(unit_children(unit=None, valid_on=today()))
    else:
        context["dossiers"] = consultations_open(province=province)
    return render(request, "recognition/consultation_list.html", context)


def _int(raw: str) -> int | None:
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if YEARS[0] <= value <= YEARS[1] else None


@login_required
@require_GET
def recognised(request: HttpRequest) -> HttpResponse:
    """The recognised units of a province (the user's, or `?tinh=`), by set and year,
    each in force with the at-risk flag: its live evaluation for the year asked (this
    year by default) no longer meets the set."""
    code = request.GET.get("tinh", "").strip()
    province: AdminUnit | None
    if code:
        province = unit_get(code=code)
        if province.level != Level.PROVINCE:
            raise NotFound(_("Không có tỉnh mã “%(code)s”.") % {"code": code})
    else:
        scope = scope_unit(user=request.user, permission=Permission.VIEW_SCOPED)
        province = scope.province if scope is not None else None
    set_code = request.GET.get("bo", "").strip()
    year = _int(request.GET.get("nam", "").strip())
    context: dict[str, Any] = {
        "province": province,
        "set_code": set_code,
        "year": year,
        "provinces": provinces_in_scope(user=request.user),
    }
    if province is not None:
        every_set = list(recognitions_for_user(user=request.user, province=province, year=year))
        rows = [r for r in every_set if not set_code or r.set_code == set_code]
        evaluated_year = year or timezone.localdate().year
        risky = (
            {
                r.recognition.pk: r
                for r in recognitions_at_risk(province=province, year=evaluated_year)
            }
            if any(r.in_force for r in rows)
            else {}
        )
        dossiers = recognised_dossiers(
            user=request.user, recognitions=[r.recognition for r in risky.values()]
        )
        names = set_names(codes={r.set_code for r in every_set}, province=province)
        context |= {
            "sets": sorted(names.items(), key=lambda item: item[1]),
            "rows": [
                {
                    "recognition": r,
                    "label": unit_label(r.unit),
                    "set_name": names[r.set_code],
                    "risk": risky.get(r.pk),
                    "dossier": dossiers.get(r.pk),
                }
                for r in rows
            ],
            "evaluated_year": evaluated_year,
        }
    return render(request, "recognition/recognised.html", context)


class AnswerForm(ServiceErrorsMixin, forms.Form):
    answer = forms.CharField(label=gettext_lazy("Trả lời"), widget=forms.Textarea)


class HideForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do ẩn"), max_length=300)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier's comments for its officers, hidden ones included, with the forms to
    answer and hide them for the role the procedure names."""
    dossier = (
        dossiers_for_user(user=request.user)
        .filter(pk=pk)
        .select_related("unit__commune", "unit__province", "procedure")
        .first()
    )
    if dossier is None:
        raise NotFound(_("Không có hồ sơ này trong phạm vi của bạn."))
    may_answer = comment_answer_allowed(actor=request.user, dossier=dossier)
    comments = list(
        Comment.objects.filter(dossier=dossier).select_related("village", "answered_by")
    )
    # A refused form shows again under its comment, with the reasons.
    failed: dict[tuple[int, str], forms.Form] = {}
    if request.method == "POST" and may_answer:
        by_pk = {c.pk: c for c in comments}
        comment = by_pk.get(_int_or_zero(request.POST.get("comment", "")))
        if comment is None:
            raise NotFound(_("Không có góp ý này."))
        hiding = request.POST.get("action") == "hide"
        form: forms.Form = HideForm(request.POST) if hiding else AnswerForm(request.POST)
        if form.is_valid():
            with RefusalShown(form=form) as refusal:
                if hiding:
                    comment_hide(
                        actor=request.user, comment=comment, reason=form.cleaned_data["reason"]
                    )
                else:
                    comment_answer(
                        actor=request.user, comment=comment, answer=form.cleaned_data["answer"]
                    )
            if not refusal.failed:
                messages.success(request, _("Đã lưu."))
                return redirect(request.path)
        failed[comment.pk, "hide" if hiding else "answer"] = form
    return render(
        request,
        "recognition/comments.html",
        {
            "dossier": dossier,
            "unit_label": unit_label(dossier.unit),
            "may_answer": may_answer,
            "comments": [
                {
                    "comment": c,
                    "form": failed.get((c.pk, "answer"))
                    or AnswerForm(initial={"answer": c.answer}),
                    "hide_form": failed.get((c.pk, "hide")) or HideForm(),
                }
                for c in comments
            ],
        },
    )


def _int_or_zero(raw: str) -> int:
    return int(raw) if raw.isdigit() else 0
