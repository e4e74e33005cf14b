"""The reported-value form: the figure as its definition asks for it (a numerator and
denominator, a count, or yes/no) and any number of evidence files."""

from __future__ import annotations

from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from langso.core.evidence import EvidenceField
from langso.core.forms import ServiceErrorsMixin
from langso.core.tabular import TableFileField

from .definitions import Entry
from .models import IndicatorDefinition


class ReportedValueForm(ServiceErrorsMixin, forms.Form):
    numerator = forms.DecimalField(label=_("Tử số"), max_digits=18, decimal_places=4)
    denominator = forms.DecimalField(
        label=_("Mẫu số"), max_digits=18, decimal_places=4, required=False
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = EvidenceField(label=_("Tệp minh chứng"), required=False)

    def __init__(self, *args: Any, definition: IndicatorDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entry = definition.spec["entry"]
        if entry == Entry.FRACTION:
            self.fields["denominator"].required = True
        else:
            del self.fields["denominator"]
        if entry == Entry.COUNT:
            self.fields["numerator"].label = _("Giá trị")
        if entry == Entry.PRESENCE:
            self.fields["numerator"] = forms.TypedChoiceField(
                label=_("Có hay không"),
                choices=[("1", _("Có")), ("0", _("Không"))],
                coerce=int,
                widget=forms.RadioSelect,
            )


class DefinitionForm(ServiceErrorsMixin, forms.Form):
    """A definition written as YAML, as in the shipped file (one entry, without the
    list's dash)."""

    text = forms.CharField(
        label=_("Định nghĩa (YAML)"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "code"}),
    )

    def clean_text(self) -> dict[str, Any]:
        try:
            raw = yaml.safe_load(self.cleaned_data["text"])
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = _(" (dòng %(line)s)") % {"line": mark.line + 1} if mark else ""
            raise forms.ValidationError(
                _("YAML không đọc được%(where)s: %(problem)s")
                % {"where": where, "problem": getattr(exc, "problem", exc)}
            ) from exc
        if not isinstance(raw, dict):
            raise forms.ValidationError(_("Cần một định nghĩa dạng khoá: giá trị."))
        return raw


class PeriodCloseForm(forms.Form):
    period = forms.RegexField(
        label=_("Kỳ"),
        regex=r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$",
        error_messages={"invalid": _("Viết 2026, 2026-Q3 hoặc 2026-09.")},
    )


class ReportedImportForm(forms.Form):
    period = PeriodCloseForm.base_fields["period"]
    file = TableFileField()
