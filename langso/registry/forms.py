"""Forms of the household pages: they check types; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.gis.geos import Point
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from langso.accounts.roles import Permission
from langso.accounts.unit_picker import UnitPickerField, UnitPickerFormMixin, picked_code
from langso.core.forms import POINT_AS_LAT_LON, ServiceErrorsMixin
from langso.places.models import Level

from .models import COUNT_FIELDS, Broadband, Household, HouseholdStatus, MobileCoverage
from .selectors.households import GAPS, VISIT_FILTERS
from .services.households import TEXT_FIELDS

_UNKNOWN = [("", _("Chưa biết"))]
_ANY = [("", _("Tất cả"))]


def _count_field(name: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=capfirst(Household._meta.get_field(name).verbose_name),  # type: ignore[union-attr]  # a concrete field
        required=False,
        min_value=0,
        help_text=_("Để trống nếu chưa biết (không phải 0)."),
    )


class HouseholdForm(UnitPickerFormMixin, ServiceErrorsMixin, forms.Form):
    """Create or edit one household. `village` is picked among the villages (or communes
    that have no village list yet) where the user keeps households, and cleans to its
    code; lat and lon make the map pin. `HouseholdForm(data, user=request.user)`."""

    service_field_aliases = POINT_AS_LAT_LON

    village = UnitPickerField(
        label=_("Thôn"),
        levels=(Level.VILLAGE, Level.COMMUNE),
        permission=Permission.MANAGE_REGISTRIES,
        help_text=_("Gõ vài chữ của tên thôn rồi chọn trong danh sách gợi ý."),
    )
    address_code = forms.CharField(
        label=_("Mã địa chỉ số quốc gia"),
        max_length=40,
        required=False,
        help_text=_("Để trống thì Làng Số cấp mã theo xã."),
    )
    house_number = forms.CharField(
        label=_("Số nhà"), max_length=TEXT_FIELDS["house_number"], required=False
    )
    street = forms.CharField(
        label=_("Đường, xóm"), max_length=TEXT_FIELDS["street"], required=False
    )
    head_name = forms.CharField(
        label=_("Họ tên chủ hộ"), max_length=TEXT_FIELDS["head_name"], required=False
    )
    head_phone = forms.CharField(
        label=_("Điện thoại chủ hộ"), max_length=TEXT_FIELDS["head_phone"], required=False
    )
    members = _count_field("members")
    adults = _count_field("adults")
    adults_smartphone = _count_field("adults_smartphone")
    adults_epayment = _count_field("adults_epayment")
    adults_vneid = _count_field("adults_vneid")
    adults_public_service = _count_field("adults_public_service")
    broadband = forms.ChoiceField(
        label=_("Internet cố định"), choices=_UNKNOWN + Broadband.choices, required=False
    )
    mobile_coverage = forms.ChoiceField(
        label=_("Sóng di động tốt nhất"),
        choices=_UNKNOWN + MobileCoverage.choices,
        required=False,
    )
    has_tv = forms.NullBooleanField(label=_("Có ti vi"), required=False)
    has_radio = forms.NullBooleanField(label=_("Có radio"), required=False)
    lat = forms.FloatField(
        label=_("Vĩ độ"),
        required=False,
        help_text=_("Kéo ghim trên bản đồ, hoặc nhập số thập phân, ví dụ 20.2506."),
    )
    lon = forms.FloatField(label=_("Kinh độ"), required=False)

    def clean_village(self) -> str:
        return picked_code(self, "village")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lat", _("Cần cả vĩ độ và kinh độ, hoặc để trống cả hai."))
        return data

    def values(self, *, changed_only: bool = False) -> dict[str, Any]:
        """The service's values. With `changed_only`, only what the user changed on the
        page, so that a stale form does not write back values it never touched."""
        data = self.cleaned_data
        names = set(self.changed_data) if changed_only else set(self.fields)
        values: dict[str, Any] = {}
        for name in names - {"village", "lat", "lon"}:
            value = data.get(name)
            if name in COUNT_FIELDS or name in ("has_tv", "has_radio"):
                values[name] = value
            elif name == "address_code":
                if value:
                    values[name] = value
            else:
                values[name] = value or ""
        if names & {"lat", "lon"}:
            lat, lon = data.get("lat"), data.get("lon")
            values["location"] = None if lat is None else Point(lon, lat, srid=4326)
        return values


class HouseholdStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng"), choices=HouseholdStatus.choices)
    merged_into = forms.CharField(
        label=_("Gộp vào hộ có mã"),
        max_length=40,
        required=False,
        help_text=_("Chỉ khi gộp: mã địa chỉ của hộ được giữ lại."),
    )


class HouseholdFilterForm(UnitPickerFormMixin, forms.Form):
    """The list's filters, read from the query string; the unit cleans to its code.
    `HouseholdFilterForm(data, user=request.user)`."""

    unit = UnitPickerField(
        label=_("Đơn vị"), levels=(Level.PROVINCE, Level.COMMUNE, Level.VILLAGE), required=False
    )
    q = forms.CharField(label=_("Tìm"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Tình trạng"), choices=_ANY + HouseholdStatus.choices, required=False
    )
    gap = forms.ChoiceField(
        label=_("Thiếu hụt"),
        choices=_ANY + [(key, label) for key, (_field, label) in GAPS.items()],
        required=False,
    )
    broadband = forms.ChoiceField(
        label=_("Internet cố định"), choices=_ANY + Broadband.choices, required=False
    )
    mobile_coverage = forms.ChoiceField(
        label=_("Sóng di động"), choices=_ANY + MobileCoverage.choices, required=False
    )
    unknown = forms.BooleanField(label=_("Còn số liệu chưa biết"), required=False)
    duplicates = forms.BooleanField(label=_("Có thể trùng lặp"), required=False)
    visit = forms.ChoiceField(
        label=_("Khảo sát"), choices=_ANY + list(VISIT_FILTERS.items()), required=False
    )
    visited_before = forms.DateField(
        label=_("Lần đến gần nhất trước ngày"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_unit(self) -> str:
        return picked_code(self, "unit")
