"""The officers' dossier pages: the province's board and one dossier's page, and the
dossier's stored files (documents, decisions, field-visit minutes), each served only to
readers who have the dossier in scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from langso.accounts.roles import Permission, Role
from langso.accounts.selectors import is_nationwide, role_list_for_user
from langso.core.actors import Actor
from langso.core.files import file_response
from langso.places.models import AdminUnit, Level

from ..models import Step
from ..selectors.board import BoardFilters, board_set_choices, dossier_board
from ..selectors.dossier_page import (
    decision_get_for_user,
    document_get_for_user,
    field_visit_get_for_user,
)
from .actions import dossier_render

# Roles that open dossiers (the self-assessment's actor in the procedures shipped):
# the board keeps a place for their "open a dossier" link.
OPENING_ROLES = frozenset({Role.COMMUNE_OFFICER})


class _ProvinceChoice(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs' generic field
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class BoardFilterForm(forms.Form):
    """The board's filters; a nationwide reader also picks the province."""

    tinh = _ProvinceChoice(
        label=_("Tỉnh"),
        queryset=AdminUnit.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— Chọn tỉnh —"),
    )
    bo = forms.ChoiceField(label=_("Bộ tiêu chí"), required=False)
    nam = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    buoc = forms.ChoiceField(
        label=_("Bước"), required=False, choices=[("", _("— Tất cả —")), *Step.choices]
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces: forms.ModelChoiceField = self.fields["tinh"]  # type: ignore[type-arg, assignment]  # declared above as one
        if is_nationwide(user=user, permission=Permission.VIEW_SCOPED):
            current = AdminUnit.objects.current().filter(level=Level.PROVINCE)
            provinces.queryset = current.order_by("name")
        else:
            del self.fields["tinh"]
        sets: forms.ChoiceField = self.fields["bo"]  # type: ignore[assignment]  # declared above as one
        sets.choices = [("", _("— Tất cả —")), *board_set_choices(user=user)]

    def filters(self, *, page: int) -> BoardFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return BoardFilters(
            province=data.get("tinh"),
            set_code=data.get("bo") or "",
            year=data.get("nam"),
            step=data.get("buoc") or "",
            page=page,
        )


def _page_number(request: HttpRequest) -> int:
    page = request.GET.get("trang", "")
    return int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1


def _page_url(request: HttpRequest, page: int) -> str:
    query = {k: str(request.GET.get(k, "")) for k in request.GET if k != "trang"}
    query = {k: v for k, v in query.items() if v}
    if page > 1:
        query["trang"] = str(page)
    return "?" + urlencode(query)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """Every dossier in the reader's scope, overdue first, then by step."""
    form = BoardFilterForm(request.GET or None, user=request.user)
    result = dossier_board(user=request.user, filters=form.filters(page=_page_number(request)))
    roles = {a.role for a in role_list_for_user(user=request.user)}
    return render(
        request,
        "recognition/board.html",
        {
            "form": form,
            "board": result,
            "previous_url": _page_url(request, result.page - 1) if result.page > 1 else None,
            "next_url": _page_url(request, result.page + 1) if result.has_next else None,
            "may_open": bool(roles & OPENING_ROLES),
            "nav_current": "dossiers",
        },
    )


@login_required
@require_GET
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """One dossier: timeline, who must act, what is missing, the frozen self-assessment,
    documents, appraisal rounds and decisions; the forms of the actions the reader may take."""
    return dossier_render(request, pk)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponseBase:
    """A document of the dossier, to whoever may read the dossier."""
    document = document_get_for_user(user=request.user, dossier_pk=pk, pk=document_pk)
    return file_response(document.file, name=document.name)


@login_required
@require_GET
def decision_download(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponseBase:
    """The signed PDF of a decision on the dossier, to whoever may read the dossier."""
    decision = decision_get_for_user(user=request.user, dossier_pk=pk, pk=decision_pk)
    return file_response(decision.file, name=decision.name)


@login_required
@require_GET
def field_visit_download(request: HttpRequest, pk: int, visit_pk: int) -> HttpResponseBase:
    """The minutes of an appraisal's field visit, to whoever may read the dossier."""
    visit = field_visit_get_for_user(user=request.user, dossier_pk=pk, pk=visit_pk)
    return file_response(visit.file, name=visit.name)
