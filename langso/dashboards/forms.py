"""Forms of `dashboards`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from langso.core.errors import DomainError
from langso.indicators.models import Period

from .selectors.map_page import period_label
from .selectors.report import quarter_choices, quarter_read


class QuarterlyReportForm(forms.Form):
    """The quarter to report: one of the last that ended, the latest first. A quarter
    typed in by hand is read as any other and refused if it has not ended."""

    quarter = forms.CharField(label=_("Quý"), max_length=7, widget=forms.Select)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(p.code, period_label(p)) for p in quarter_choices()]
        self.fields["quarter"].widget.choices = choices
        self.fields["quarter"].initial = choices[0][0]

    def clean_quarter(self) -> Period:
        try:
            return quarter_read(self.cleaned_data["quarter"])
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
