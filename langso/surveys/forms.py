"""Forms of the survey pages: they check types; the rules live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.accounts.models import User
from langso.accounts.selectors import unit_label
from langso.accounts.unit_picker import UnitPickerField, UnitPickerFormMixin
from langso.places.models import AdminUnit, Level

from .models import DigitalTeam, EntityState, Submission
from .selectors import SubmissionFilters, team_member_choices, team_village_choices
from .services.forms import MAX_ATTACHMENT_BYTES, MAX_XLSFORM_BYTES

NATIONWIDE = "toan-quoc"


class PublishForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp biểu mẫu"),
        help_text=_("XLSForm (.xlsx hoặc .xls) hoặc XForm (.xml) theo chuẩn ODK, tối đa 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.xml,.csv,.md"}),
    )
    unit = forms.ChoiceField(label=_("Dùng tại"))

    def __init__(self, *args: Any, units: list[AdminUnit], nationwide: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [(NATIONWIDE, _("Toàn quốc"))] if nationwide else []
        # The unit picker's label ("Xã Gia Viễn, Tỉnh Ninh Bình"): names, never codes.
        choices += [(unit.code, unit_label(unit)) for unit in units]
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


class ReviewForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[c for c in Submission.State.choices if c[0] != Submission.State.ENCRYPTED],
    )
    comment = forms.CharField(
        label=_("Nhận xét"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )


class TeamForm(forms.Form):
    """A digital team: its village (on creation), name, members and assigned villages.
    Choices come from the communes the officer keeps teams in."""

    village = forms.ModelChoiceField(label=_("Thôn của tổ"), queryset=AdminUnit.objects.none())
    name = forms.CharField(label=_("Tên tổ"), max_length=200)
    members = forms.ModelMultipleChoiceField(
        label=_("Thành viên"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Người đã được giao vai trò thành viên tổ công nghệ số ở xã hoặc thôn."),
    )
    villages = forms.ModelMultipleChoiceField(
        label=_("Thôn được giao thêm"),
        queryset=AdminUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Thôn của tổ luôn được giao; chọn thêm thôn chưa có tổ riêng."),
    )

    def __init__(
        self, *args: Any, communes: list[AdminUnit], team: DigitalTeam | None, **kwargs: Any
    ) -> None:
        if team is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": team.name,
                    "members": list(team.members.all()),
                    "villages": list(team.villages.all()),
                },
            )
        super().__init__(*args, **kwargs)
        villages = team_village_choices(communes=communes)
        self.fields["villages"].queryset = villages  # type: ignore[attr-defined]
        self.fields["members"].queryset = team_member_choices(communes=communes)  # type: ignore[attr-defined]
        if team is None:
            self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        else:
            del self.fields["village"]


class EncryptionEnableForm(forms.Form):
    """Managed encryption's passphrase, typed twice, and a hint to recall it by."""

    passphrase = forms.CharField(label=_("Cụm mật khẩu"), widget=forms.PasswordInput, strip=False)
    passphrase_again = forms.CharField(
        label=_("Nhập lại cụm mật khẩu"), widget=forms.PasswordInput, strip=False
    )
    hint = forms.CharField(label=_("Gợi ý (không bắt buộc)"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("passphrase") != data.get("passphrase_again"):
            raise forms.ValidationError(_("Hai lần nhập cụm mật khẩu không giống nhau."))
        return data


class PassphraseForm(forms.Form):
    passphrase = forms.CharField(label=_("Cụm mật khẩu"), widget=forms.PasswordInput, strip=False)


class SubmissionFilterForm(UnitPickerFormMixin, forms.Form):
    """The submission list's filters, read from the query string (a home's links carry
    the unit's code). `SubmissionFilterForm(data, user=request.user)`."""

    unit = UnitPickerField(
        label=_("Đơn vị"), levels=(Level.PROVINCE, Level.COMMUNE, Level.VILLAGE), required=False
    )
    state = forms.ChoiceField(
        label=_("Trạng thái duyệt"),
        choices=[("", _("Tất cả")), *Submission.State.choices],
        required=False,
    )
    entity_state = forms.ChoiceField(
        label=_("Dữ liệu hộ"),
        choices=[("", _("Tất cả")), *(c for c in EntityState.choices if c[0])],
        required=False,
    )
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> SubmissionFilters:
        data = self.cleaned_data
        return SubmissionFilters(
            state=data["state"], entity_state=data["entity_state"], unit=data["unit"]
        )
