"""The forms of the training pages. Units are picked by name within the officer's scope;
the services check the scope again."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.accounts.unit_picker import UnitPickerField, UnitPickerFormMixin
from langso.core.forms import ServiceErrorsMixin
from langso.core.tabular import TableFileField
from langso.places.models import Level

from ..models import Audience
from ..selectors.training import TRAINING_PERMISSION

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CourseForm(UnitPickerFormMixin, ServiceErrorsMixin, forms.Form):
    topic = forms.CharField(label=_("Chủ đề"), max_length=200)
    audience = forms.ChoiceField(label=_("Đối tượng"), choices=Audience.choices)
    organiser = UnitPickerField(
        label=_("Đơn vị tổ chức"),
        levels=(Level.PROVINCE, Level.COMMUNE),
        permission=TRAINING_PERMISSION,
    )
    description = forms.CharField(label=_("Mô tả"), widget=forms.Textarea, required=False)


class SessionForm(UnitPickerFormMixin, ServiceErrorsMixin, forms.Form):
    unit = UnitPickerField(
        label=_("Đơn vị tổ chức buổi học"),
        levels=(Level.PROVINCE, Level.COMMUNE, Level.VILLAGE),
        permission=TRAINING_PERMISSION,
    )
    starts_on = forms.DateField(label=_("Từ ngày"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Đến ngày"), widget=DATE_INPUT)
    place = forms.CharField(label=_("Địa điểm"), max_length=200)
    trainer = forms.CharField(label=_("Giảng viên"), max_length=150, required=False)


class AttendanceAddForm(forms.Form):
    """The people ticked among those the search found."""

    people = forms.TypedMultipleChoiceField(coerce=int, label=_("Người tham dự"))

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["people"]).choices = choices
        self.fields["people"].widget = forms.CheckboxSelectMultiple(choices=choices)


class CertificateForm(ServiceErrorsMixin, forms.Form):
    number = forms.CharField(label=_("Số chứng chỉ"), max_length=64)
    upload = forms.FileField(label=_("Bản chụp chứng chỉ"), required=False)


class ResidentCountForm(ServiceErrorsMixin, forms.Form):
    village = forms.TypedChoiceField(coerce=int, label=_("Thôn"))
    topic = forms.CharField(label=_("Chủ đề (nếu có)"), max_length=200, required=False)
    residents = forms.IntegerField(label=_("Số người dân"), min_value=0)

    def __init__(self, *args: Any, villages: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["village"]).choices = villages


class AttendanceImportForm(forms.Form):
    file = TableFileField()
