"""Forms of the survey pages: they check types; the rules live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.places.models import AdminUnit

from .services.forms import MAX_ATTACHMENT_BYTES, MAX_XLSFORM_BYTES

NATIONWIDE = "toan-quoc"


class PublishForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp XLSForm"),
        help_text=_("Tệp .xlsx hoặc .xls theo chuẩn XLSForm (ODK), tối đa 10 MB."),
    )
    unit = forms.ChoiceField(label=_("Dùng tại"))

    def __init__(self, *args: Any, units: list[AdminUnit], nationwide: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [(NATIONWIDE, _("Toàn quốc"))] if nationwide else []
        choices += [(unit.code, f"{unit.name} ({unit.code})") for unit in units]
        self.fields["unit"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField
        self._units = {unit.code: unit for unit in units}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_XLSFORM_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa 10 MB."))
        return upload

    def chosen_unit(self) -> AdminUnit | None:
        code = self.cleaned_data["unit"]
        return None if code == NATIONWIDE else self._units[code]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Tệp"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa 20 MB."))
        return upload


class FormSettingsForm(forms.Form):
    is_open = forms.BooleanField(label=_("Đang nhận bài"), required=False)
    counts_before_approval = forms.BooleanField(
        label=_("Tính ngay khi nhận (không chờ duyệt)"), required=False
    )
