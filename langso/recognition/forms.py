"""Forms of the recognition pages: a province's variant of a procedure (a YAML file),
a satisfaction threshold the province enters, and the dossier's transitions (plain
POST forms, each calling one service)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.accounts.unit_picker import UnitPickerField, UnitPickerFormMixin
from langso.core.evidence import EVIDENCE_TYPES, EvidenceField
from langso.core.forms import ServiceErrorsMixin
from langso.places.models import Level

from .selectors.actions import CriterionToAppraise

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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


# --- The dossier's transitions (the dossier page's actions) --------------------------

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


def _one_file(label: StrOrPromise, *, required: bool = True) -> EvidenceField:
    """One evidence file (the services take one per call), of the types evidence takes."""
    return EvidenceField(
        label=label,
        required=required,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EVIDENCE_TYPES)}),
    )


AGREES, DISAGREES = "dong_y", "khong_dong_y"


def _pdf_field(label: StrOrPromise) -> forms.FileField:
    return forms.FileField(label=label, widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))


class DossierOpenForm(UnitPickerFormMixin, ServiceErrorsMixin, forms.Form):
    """A commune (in the officer's scope), a set in force for it and a year."""

    unit = UnitPickerField(label=_("Xã"), levels=[Level.COMMUNE])
    set_code = forms.ChoiceField(label=_("Bộ tiêu chí"))
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, sets: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["set_code"]).choices = list(sets)


class ActionForm(ServiceErrorsMixin, forms.Form):
    """A transition with nothing to enter: the button is the whole form."""


class ConfirmedForm(ActionForm):
    confirm = forms.BooleanField(
        label=_("Tôi đã xem toàn bộ hồ sơ và ký trình thay mặt UBND xã."), required=True
    )


class ResubmitForm(ActionForm):
    refreeze = forms.BooleanField(
        label=_("Chốt lại kết quả tự đánh giá (xã đã sửa kết quả)"), required=False
    )


class UploadForm(ActionForm):
    kind = forms.ChoiceField(label=_("Loại tài liệu"))
    file = _one_file(_("Tệp"))

    def __init__(self, *args: Any, kinds: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = list(kinds)


class FindingsForm(ActionForm):
    """Every criterion of the round's snapshot: agree or not, and a note. A criterion
    left without a choice keeps what was entered before."""

    def __init__(self, *args: Any, criteria: Sequence[CriterionToAppraise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"agrees_{criterion.code}"] = forms.ChoiceField(
                label=f"{criterion.code}. {criterion.name}",
                choices=[(AGREES, _("Nhất trí")), (DISAGREES, _("Không nhất trí"))],
                widget=forms.RadioSelect,
                required=False,
                initial=None
                if criterion.agrees is None
                else (AGREES if criterion.agrees else DISAGREES),
            )
            self.fields[f"note_{criterion.code}"] = forms.CharField(
                label=_("Ghi chú"), max_length=2000, required=False, initial=criterion.note
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"agrees_{c.code}"], self[f"note_{c.code}"]) for c in self.criteria]

    def findings(self) -> list[tuple[str, bool, str]]:
        data = self.cleaned_data
        return [
            (c.code, data[f"agrees_{c.code}"] == AGREES, data[f"note_{c.code}"])
            for c in self.criteria
            if data.get(f"agrees_{c.code}")
        ]


class FieldVisitForm(ActionForm):
    visited_on = forms.DateField(label=_("Ngày kiểm tra (dd/mm/yyyy)"), widget=DATE_WIDGET)
    members = forms.CharField(label=_("Thành phần đoàn"), max_length=500, required=False)
    notes = forms.CharField(label=_("Kết quả kiểm tra"), widget=forms.Textarea(attrs={"rows": 3}))
    file = _one_file(_("Biên bản (không bắt buộc)"), required=False)


class ReturnForm(ActionForm):
    supplements = forms.CharField(
        label=_("Nội dung xã phải bổ sung (mỗi dòng một nội dung)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    conclusion = forms.CharField(
        label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def lines(self) -> list[str]:
        return str(self.cleaned_data["supplements"]).splitlines()


class ConcludeForm(ActionForm):
    recommend = forms.TypedChoiceField(
        label=_("Kết luận"),
        choices=[("1", _("Đề nghị công nhận")), ("0", _("Không đề nghị công nhận"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    conclusion = forms.CharField(
        label=_("Kết luận thẩm định"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(ActionForm):
    number = forms.CharField(label=_("Số quyết định"), max_length=100)
    signed_on = forms.DateField(label=_("Ngày ký (dd/mm/yyyy)"), widget=DATE_WIDGET)
    signer = forms.CharField(label=_("Người ký"), max_length=200)
    file = _pdf_field(_("Quyết định đã ký (PDF)"))


class RevocationForm(DecisionForm):
    reason = forms.CharField(label=_("Lý do thu hồi"), widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(ActionForm):
    reason = forms.CharField(label=_("Lý do rút hồ sơ"), widget=forms.Textarea(attrs={"rows": 2}))
