"""Forms of `places` pages: they check types; the rules live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.core.errors import DomainError
from langso.core.forms import ServiceErrorsMixin
from langso.core.tabular import TableFileField

from .boundary_files import BOUNDARY_EXTENSIONS, boundary_file_check
from .models import CommuneGroup, Kind, Level
from .services.villages import VILLAGE_CODE_MAX, VILLAGE_KINDS, VILLAGE_NAME_MAX

# A province's communes with detailed boundaries fit well below this.
MAX_BOUNDARY_UPLOAD_BYTES = 200 * 1024 * 1024

_VILLAGE_KIND_CHOICES = [(kind, Kind(kind).label) for kind in VILLAGE_KINDS]


class _VillageFieldsForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        label=_("Tên thôn"),
        max_length=VILLAGE_NAME_MAX,
        help_text=_("Tên đầy đủ, ví dụ “Thôn Đông” hoặc “Tổ dân phố 3”."),
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=_VILLAGE_KIND_CHOICES, initial=Kind.THON)
    lat = forms.FloatField(
        label=_("Vĩ độ"),
        required=False,
        help_text=_("Độ thập phân, ví dụ 21.0285; để trống nếu chưa có."),
    )
    lon = forms.FloatField(
        label=_("Kinh độ"),
        required=False,
        help_text=_("Độ thập phân, ví dụ 105.8542."),
    )


class VillageCreateForm(_VillageFieldsForm):
    code = forms.CharField(
        label=_("Mã thôn"),
        max_length=VILLAGE_CODE_MAX,
        help_text=_("Mã do xã đặt, ví dụ “01” hoặc “T3”; không đổi được sau khi tạo."),
    )
    field_order = ["code", "name", "kind", "lat", "lon"]


class VillageEditForm(_VillageFieldsForm):
    pass


class UploadForm(forms.Form):
    file = TableFileField()


class CommuneGroupForm(ServiceErrorsMixin, forms.Form):
    group = forms.ChoiceField(
        label=_("Nhóm xã (2026–2030)"),
        choices=[("", _("Chưa xếp nhóm")), *CommuneGroup.choices],
        required=False,
    )


class BoundaryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp ranh giới"),
        help_text=_("GeoJSON, Shapefile nén .zip (gồm .shp, .shx, .dbf, .prj) hoặc GeoPackage."),
    )
    level = forms.ChoiceField(
        label=_("Cấp đơn vị"),
        choices=[(level.value, level.label) for level in Level if level != Level.DISTRICT],
        initial=Level.COMMUNE,
    )
    code_field = forms.CharField(
        label=_("Trường chứa mã đơn vị"),
        max_length=64,
        initial="ma_xa",
        help_text=_("Tên thuộc tính mang mã đơn vị; với thôn là mã đầy đủ, ví dụ 37001-01."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not str(upload.name).lower().endswith(BOUNDARY_EXTENSIONS):
            raise forms.ValidationError(
                _("Chỉ nhận tệp .geojson, .json, .zip (Shapefile) hoặc .gpkg.")
            )
        if upload.size > MAX_BOUNDARY_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn hơn %(limit)s MB.")
                % {"limit": MAX_BOUNDARY_UPLOAD_BYTES // (1024 * 1024)}
            )
        head = upload.read(100)
        upload.seek(0)
        try:
            boundary_file_check(name=str(upload.name), head=head)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload
