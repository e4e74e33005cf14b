"""Forms of the recognition pages: a province's variant of a procedure (a YAML file)
and a satisfaction threshold the province enters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

PROCEDURE_TYPES = (".yaml", ".yml")
# A procedure is a few hundred lines; a megabyte is far past any.
PROCEDURE_MAX_BYTES = 1024 * 1024


class ProcedureVariantForm(forms.Form):
    """A procedure written as YAML, as the shipped file writes it."""

    file = forms.FileField(
        label=_("Tệp YAML của quy trình"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(PROCEDURE_TYPES)}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(PROCEDURE_TYPES):
            raise forms.ValidationError(_("Chỉ nhận tệp .yaml hoặc .yml."))
        if upload.size and upload.size > PROCEDURE_MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 1 MB."))
        return upload


class SatisfactionThresholdForm(forms.Form):
    """The residents' satisfaction share a dossier for one set must reach."""

    set_code = forms.ChoiceField(label=_("Bộ tiêu chí"))
    threshold = forms.DecimalField(
        label=_("Tỉ lệ người dân hài lòng tối thiểu (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    note = forms.CharField(
        label=_("Căn cứ (văn bản của tỉnh)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, sets: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["set_code"]).choices = list(sets)
