"""The form list as a collector or an officer reads it: the forms they can fill in
their units first (the household survey on top), then the others they see; narrowed
by a search, by status and by scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy

from langso.accounts.roles import Permission
from langso.core.actors import Actor

from .entity_declarations import HOUSEHOLDS
from .models import FormAttachment, SurveyForm
from .selectors import _reach_q, form_list_for_user

MAX_FORMS = 500
STATUSES = {
    "open": gettext_lazy("Đang nhận bài"),
    "closed": gettext_lazy("Đã đóng"),
}
SCOPES = {
    "fillable": gettext_lazy("Biểu mẫu tôi điền được"),
    "national": gettext_lazy("Biểu mẫu toàn quốc"),
    "local": gettext_lazy("Biểu mẫu của tỉnh, xã"),
}


@dataclass(frozen=True)
class FormListFilters:
    """Empty values filter nothing; a value that is none of the choices neither."""

    q: str = ""
    status: str = ""
    scope: str = ""


def form_list_ordered(*, user: Actor, filters: FormListFilters) -> QuerySet[SurveyForm]:
    """The forms the user sees, each marked `fillable` (open, and used where they
    collect) and `surveys_households` (it reads the households entity list): fillable
    first, the household survey first among them, then the forms of a unit before the
    nationwide ones, newest first."""
    reads_households = FormAttachment.objects.filter(
        version__form=OuterRef("pk"), dataset=HOUSEHOLDS
    )
    fillable = Q(is_open=True) & _reach_q(user, Permission.COLLECT_SURVEYS)
    forms = form_list_for_user(user=user).annotate(
        fillable=Case(
            When(fillable, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        surveys_households=Exists(reads_households),
        nationwide=Case(
            When(unit__isnull=True, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if q := filters.q.strip()[:100]:
        forms = forms.filter(Q(title__icontains=q) | Q(xml_form_id__icontains=q))
    if filters.status in STATUSES:
        forms = forms.filter(is_open=filters.status == "open")
    if filters.scope == "fillable":
        forms = forms.filter(fillable)
    elif filters.scope == "national":
        forms = forms.filter(unit__isnull=True)
    elif filters.scope == "local":
        forms = forms.filter(unit__isnull=False)
    return forms.order_by(
        "-fillable",
        "-surveys_households",
        # Forms of the user's own units before the nationwide ones.
        "nationwide",
        "-created_at",
        "-pk",
    )[:MAX_FORMS]
