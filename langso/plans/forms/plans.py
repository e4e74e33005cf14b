"""Forms of the plan pages: a plan file (YAML), a spreadsheet of targets, the plan's
signed text, and one target. The checks are the service's (`plans.targets`): a form
only reads what was typed into the shape a plan file writes."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.accounts.roles import Permission
from langso.accounts.unit_picker import UnitPickerField, UnitPickerFormMixin
from langso.core.forms import ServiceErrorsMixin
from langso.places.models import Level

from ..models import Target, TargetComparator, TargetKind, TargetMeasure

PLAN_MAX_BYTES = 1024 * 1024
PLAN_TYPES = (".yaml", ".yml")


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp YAML của kế hoạch"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(PLAN_TYPES)}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(PLAN_TYPES):
            raise forms.ValidationError(_("Chỉ nhận tệp .yaml hoặc .yml."))
        if upload.size and upload.size > PLAN_MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 1 MB."))
        return upload


class TargetsImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp chỉ tiêu (XLSX hoặc CSV, theo tệp mẫu)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class PlanFileForm(forms.Form):
    file = forms.FileField(label=_("Văn bản kế hoạch (PDF, Word)"))


def _milestones_text(milestones: list[dict[str, str]]) -> str:
    return "; ".join(
        f"{dt.date.fromisoformat(m['date']).strftime('%d/%m/%Y')}: {m['value']}" for m in milestones
    )


class TargetForm(UnitPickerFormMixin, ServiceErrorsMixin, forms.Form):
    """One target. `indicators` and `sets` are (code, name) choices: names are shown."""

    service_field_aliases: ClassVar[dict[str, str]] = {"baseline": "baseline_value"}

    text_vi = forms.CharField(label=_("Chỉ tiêu (như văn bản ghi)"), max_length=500)
    kind = forms.ChoiceField(
        label=_("Cách tính"),
        choices=[("", _("Chưa gắn chỉ số")), *TargetKind.choices],
        required=False,
    )
    unbound = forms.CharField(
        label=_("Lý do chưa gắn chỉ số"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    indicator = forms.ChoiceField(label=_("Chỉ số"), required=False)
    unit = UnitPickerField(
        label=_("Đơn vị đo chỉ số (để trống: đơn vị của kế hoạch)"),
        levels=[Level.PROVINCE, Level.COMMUNE, Level.VILLAGE],
        permission=Permission.VIEW_SCOPED,
        required=False,
    )
    level = forms.ChoiceField(
        label=_("Cấp đơn vị được đếm"),
        choices=[
            ("", "—"),
            (Level.COMMUNE, Level.COMMUNE.label),
            (Level.VILLAGE, Level.VILLAGE.label),
        ],
        required=False,
    )
    set = forms.ChoiceField(label=_("Bộ tiêu chí đơn vị phải đạt"), required=False)
    criterion = forms.CharField(
        label=_("Tiêu chí hoặc chỉ tiêu của bộ (ví dụ 8 hoặc 8.4; để trống: cả bộ)"),
        max_length=16,
        required=False,
    )
    unit_comparator = forms.ChoiceField(
        label=_("Đơn vị đạt khi chỉ số"),
        choices=[("", "—"), *TargetComparator.choices],
        required=False,
    )
    unit_threshold = forms.DecimalField(label=_("Ngưỡng của đơn vị"), required=False)
    comparator = forms.ChoiceField(label=_("So sánh"), choices=TargetComparator.choices)
    value = forms.DecimalField(label=_("Mục tiêu"))
    measure = forms.ChoiceField(
        label=_("Đo bằng"), choices=[("", "—"), *TargetMeasure.choices], required=False
    )
    deadline = forms.DateField(label=_("Hạn (dd/mm/yyyy)"))
    baseline_value = forms.DecimalField(label=_("Mức cơ sở"), required=False)
    baseline_date = forms.DateField(label=_("Ngày của mức cơ sở (dd/mm/yyyy)"), required=False)
    milestones = forms.CharField(
        label=_("Mốc hằng năm (dd/mm/yyyy: giá trị; …)"), max_length=500, required=False
    )

    def __init__(
        self,
        *args: Any,
        indicators: list[tuple[str, str]],
        sets: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "—"), *indicators]  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["set"].choices = [("", "—"), *sets]  # type: ignore[attr-defined]  # a ChoiceField

    @staticmethod
    def initial_of(target: Target) -> dict[str, Any]:
        return {
            "text_vi": target.text_vi,
            "kind": target.kind,
            "unbound": target.unbound_reason,
            "indicator": target.indicator,
            "unit": target.unit.code if target.unit else "",
            "level": target.level,
            "set": target.set_code,
            "criterion": target.criterion,
            "unit_comparator": target.unit_comparator,
            "unit_threshold": target.unit_threshold,
            "comparator": target.comparator,
            "value": target.value,
            "measure": target.measure,
            "deadline": target.deadline,
            "baseline_value": target.baseline_value,
            "baseline_date": target.baseline_on,
            "milestones": _milestones_text(target.milestones or []),
        }

    def clean_milestones(self) -> list[dict[str, str]]:
        text = self.cleaned_data.get("milestones") or ""
        found = []
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            day, _sep, value = part.partition(":")
            found.append({"date": day.strip(), "value": value.strip()})
        return found

    def values(self) -> dict[str, Any]:
        """What was typed, as a plan file writes one target."""
        data = dict(self.cleaned_data)
        unit = data.pop("unit", None)
        data["unit"] = unit.code if unit is not None else ""
        value, day = data.pop("baseline_value", None), data.pop("baseline_date", None)
        if value is not None or day is not None:
            data["baseline"] = {"value": value, "date": day}
        return data
