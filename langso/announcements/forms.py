"""Forms of the officers' announcement pages."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.core.forms import ServiceErrorsMixin
from langso.messaging.models import Channel
from langso.places.models import AdminUnit

from .models import Category, HouseholdGroup
from .selectors.announcements import audience_units
from .selectors.audience import CHANNEL_ORDER, FILTERS, groups_within

_CODES = re.compile(r"[\s,;]+")


def address_codes(text: str) -> list[str]:
    """Address codes typed one a line or separated by commas."""
    return [code for code in _CODES.split(text or "") if code]


class _UnitChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # django-stubs: the model is set with the queryset
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class _GroupChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # as above
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.village.name})"


class ComposeForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    body = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 6}))
    category = forms.ChoiceField(label=_("Loại thông báo"), choices=Category.choices)
    units = _UnitChoice(
        label=_("Gửi đến đơn vị"),
        queryset=AdminUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    groups = _GroupChoice(
        label=_("Gửi đến tổ tự quản"),
        queryset=HouseholdGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    households = forms.CharField(
        label=_("Gửi thêm đến các hộ (mã địa chỉ)"),
        help_text=_("Mỗi dòng một mã, hoặc cách nhau bằng dấu phẩy."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    filters = forms.MultipleChoiceField(
        label=_("Chỉ những hộ"),
        choices=list(FILTERS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    channels = forms.MultipleChoiceField(
        label=_("Kênh được dùng (theo thứ tự ưu tiên)"),
        choices=[(c, Channel(c).label) for c in CHANNEL_ORDER],
        widget=forms.CheckboxSelectMultiple,
        initial=[Channel.ZALO, Channel.SMS],
    )
    sms_without_diacritics = forms.BooleanField(
        label=_("Gửi SMS không dấu (rẻ hơn: 160 ký tự một tin)"), required=False
    )
    scheduled_for = forms.DateTimeField(
        label=_("Hẹn giờ gửi"),
        help_text=_("Để trống để gửi ngay khi bấm Gửi. Dạng dd/mm/yyyy hh:mm."),
        input_formats=["%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"}
        ),
        required=False,
    )
    attachment = forms.FileField(label=_("Tệp đính kèm"), required=False)

    def __init__(self, *args: Any, unit: AdminUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(_UnitChoice, self.fields["units"]).queryset = audience_units(unit=unit)
        groups = cast(_GroupChoice, self.fields["groups"])
        groups.queryset = groups_within(unit=unit)
        if not groups.queryset.exists():
            del self.fields["groups"]


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Tôi đã xem số hộ nhận và chi phí, đồng ý gửi thông báo này."),
        error_messages={"required": _("Hãy đánh dấu xác nhận trước khi gửi.")},
    )


class GroupForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Tên tổ"), max_length=150)


class GroupAddForm(ServiceErrorsMixin, forms.Form):
    households = forms.MultipleChoiceField(
        label=_("Thêm các hộ của thôn vào tổ"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["households"]).choices = choices
