"""Forms of the placed registries' pages (see `specs`), built from each spec and its model
fields: they check types; the rules live in `services.placed`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.gis.geos import Point
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from langso.accounts.roles import Permission
from langso.accounts.unit_picker import UnitPickerField, UnitPickerFormMixin
from langso.core.forms import POINT_AS_LAT_LON, ServiceErrorsMixin
from langso.places.models import Level

from .services.economy import MAX_PHOTO_BYTES
from .specs import RegistrySpec, model_field

_ANY = [("", _("Tất cả"))]
_FORMS: dict[tuple[str, bool], type[RegistryForm]] = {}
_FILTER_FORMS: dict[str, type[RegistryFilterForm]] = {}
# Rows of a registry are placed in a village, or in a commune without village list.
_UNIT_LEVELS = (Level.COMMUNE, Level.VILLAGE)


class RegistryForm(UnitPickerFormMixin, ServiceErrorsMixin, forms.Form):
    """Create or edit one row. `unit` is a village or commune the user picks among those
    where they keep registries; lat and lon make the map pin. Subclasses are built per
    registry by `registry_form_class`; `Form(data, user=request.user)`."""

    spec: RegistrySpec[Any]
    creating: bool
    service_field_aliases = POINT_AS_LAT_LON

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lat", _("Cần cả vĩ độ và kinh độ, hoặc để trống cả hai."))
        return data

    def values(self) -> dict[str, Any]:
        """The service's values. When editing, only what the user changed on the page, so
        that a stale form does not write back values it never touched."""
        data = self.cleaned_data
        names = set(self.changed_data) if not self.creating else set(self.fields)
        values = {name: data.get(name) for name in names - {"lat", "lon"}}
        if self.creating:
            # Left empty on a new row: the model's default (a cooperative is active).
            values = {name: value for name, value in values.items() if value not in (None, "")}
        if names & {"lat", "lon"}:
            lat, lon = data.get("lat"), data.get("lon")
            values["location"] = None if lat is None or lon is None else Point(lon, lat, srid=4326)
        return values


def _field_for(spec: RegistrySpec[Any], name: str) -> forms.Field:
    if name in spec.refs:
        ref = spec.refs[name]
        return forms.CharField(
            label=capfirst(spec.label(name)),
            required=False,
            max_length=40,
            help_text=_("Mã %(what)s, ví dụ %(example)s.")
            % {
                "what": ref.model._meta.verbose_name,
                "example": "37001-HTX0001" if ref.key == "code" else "37001-000123-K",
            },
        )
    found = model_field(spec.model, name)
    if isinstance(found, models.BooleanField):
        return forms.BooleanField(label=capfirst(found.verbose_name), required=False)
    if isinstance(found, models.DateField):
        return forms.DateField(
            label=capfirst(found.verbose_name),
            required=False,
            widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        )
    if isinstance(found, models.URLField):
        return forms.URLField(
            label=capfirst(found.verbose_name),
            required=False,
            max_length=found.max_length,
            assume_scheme="https",
        )
    field = found.formfield(required=False)
    if field is None:  # pragma: no cover - every spec field has a form field
        raise TypeError(name)
    if isinstance(found, models.TextField):
        field.widget.attrs["rows"] = 4
    return field


def registry_form_class(spec: RegistrySpec[Any], *, creating: bool) -> type[RegistryForm]:
    """The create (with the key) or edit form of a registry. Fields are not required here:
    the service names what is missing, with every other reason, in one pass."""
    cached = _FORMS.get((spec.name, creating))
    if cached is not None:
        return cached
    fields: dict[str, forms.Field] = {}
    if creating:
        fields[spec.key] = forms.CharField(
            label=capfirst(spec.label(spec.key)),
            required=False,
            max_length=40,
            help_text=(
                _("Bắt buộc, ví dụ %(example)s.")
                if spec.code_prefix is None
                else _("Để trống thì Làng Số cấp mã theo xã, ví dụ %(example)s.")
            )
            % {"example": spec.key_example},
        )
    fields["unit"] = UnitPickerField(
        label=_("Thôn/xã"),
        levels=_UNIT_LEVELS,
        permission=Permission.MANAGE_REGISTRIES,
        required=False,
        help_text=(
            _("Gõ vài chữ của tên thôn hoặc xã rồi chọn; để trống thì lấy theo nơi làm ra/hộ.")
            if spec.place_from
            else _("Gõ vài chữ của tên thôn hoặc xã rồi chọn trong danh sách gợi ý.")
        ),
    )
    for name in spec.fields:
        fields[name] = _field_for(spec, name)
    fields["lat"] = forms.FloatField(
        label=_("Vĩ độ"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Kéo ghim trên bản đồ, hoặc nhập số thập phân, ví dụ 20.2506."),
    )
    fields["lon"] = forms.FloatField(
        label=_("Kinh độ"), required=False, min_value=-180, max_value=180
    )
    form_class = type(
        f"{spec.model.__name__}{'Create' if creating else 'Edit'}Form",
        (RegistryForm,),
        {**fields, "spec": spec, "creating": creating},
    )
    _FORMS[(spec.name, creating)] = form_class
    return form_class


def registry_initial(spec: RegistrySpec[Any], row: Any) -> dict[str, Any]:
    """The edit form's values from a row (references by their keys)."""
    initial: dict[str, Any] = {name: getattr(row, name) for name in spec.plain_fields}
    for name, ref in spec.refs.items():
        target = getattr(row, name)
        initial[name] = getattr(target, ref.key) if target is not None else ""
    initial["unit"] = row.unit.code
    if row.location is not None:
        initial["lat"], initial["lon"] = round(row.location.y, 6), round(row.location.x, 6)
    return initial


class RegistryFilterForm(UnitPickerFormMixin, forms.Form):
    """A list's filters, read from the query string; one choice per spec filter.
    `Form(data, user=request.user)`."""

    unit = UnitPickerField(label=_("Thôn/xã"), levels=_UNIT_LEVELS, required=False)
    q = forms.CharField(label=_("Tìm"), max_length=100, required=False)
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    spec: RegistrySpec[Any]

    def choices(self) -> dict[str, str]:
        return {f.name: self.cleaned_data.get(f.name) or "" for f in self.spec.filters}


def registry_filter_form_class(spec: RegistrySpec[Any]) -> type[RegistryFilterForm]:
    cached = _FILTER_FORMS.get(spec.name)
    if cached is not None:
        return cached
    fields: dict[str, Any] = {
        f.name: forms.ChoiceField(label=f.label, choices=_ANY + list(f.choices), required=False)
        for f in spec.filters
    }
    form_class = type(
        f"{spec.model.__name__}FilterForm", (RegistryFilterForm,), {**fields, "spec": spec}
    )
    _FILTER_FORMS[spec.name] = form_class
    return form_class


class PhotoForm(forms.Form):
    image = forms.ImageField(
        label=_("Ảnh"), help_text=_("JPEG hoặc PNG, tối đa 5 MB. Vị trí GPS trong ảnh được xoá.")
    )
    caption = forms.CharField(label=_("Chú thích"), max_length=200, required=False)

    def clean_image(self) -> Any:
        image = self.cleaned_data["image"]
        if image.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                _("Ảnh lớn hơn %(limit)s MB.") % {"limit": MAX_PHOTO_BYTES // (1024 * 1024)}
            )
        return image
