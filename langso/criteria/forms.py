"""Forms of the criteria pages: a set written as YAML, a catalogue file, a province's
thresholds (one input per indicator and region or commune group), an officer's finding
with its evidence, and a commune's classification for a year."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.core.evidence import EvidenceField
from langso.places.models import AdminUnit, CommuneGroup, Region

from .catalogue import ALL_UNITS, XLSX_MAX_BYTES
from .models import CriterionIndicator, Verdict

CATALOGUE_TYPES = (".yaml", ".yml", ".xlsx")
CATALOGUE_MAX_BYTES = XLSX_MAX_BYTES


class SetYamlForm(forms.Form):
    """One set as YAML, as in the shipped catalogue (without the list's dash)."""

    text = forms.CharField(
        label=_("Bộ tiêu chí (YAML)"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
    )


class CatalogueImportForm(forms.Form):
    """A YAML or XLSX file of sets, for the nation (central admins) or a province."""

    file = forms.FileField(
        label=_("Tệp YAML hoặc XLSX"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(CATALOGUE_TYPES)}),
    )
    province = forms.ChoiceField(label=_("Ban hành cho"), required=False)

    def __init__(
        self, *args: Any, provinces: Sequence[AdminUnit], nationwide: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = (
            [("", str(_("Trung ương (bộ quốc gia)")))] if nationwide else []
        )
        choices += [(p.code, p.name) for p in provinces]
        field = cast(forms.ChoiceField, self.fields["province"])
        field.choices = choices
        field.required = not nationwide
        self._provinces = {p.code: p for p in provinces}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(CATALOGUE_TYPES):
            raise forms.ValidationError(_("Chỉ nhận tệp .yaml, .yml hoặc .xlsx."))
        if upload.size and upload.size > CATALOGUE_MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
        return upload

    def chosen_province(self) -> AdminUnit | None:
        """The province chosen (None: the national catalogue)."""
        code = self.cleaned_data.get("province") or ""
        return self._provinces.get(code)


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class ThresholdsForm(forms.Form):
    """One input per indicator met against a number and per key its set varies by ("*"
    for a set that varies by nothing); empty for a threshold not known."""

    def __init__(
        self,
        *args: Any,
        indicators: Sequence[CriterionIndicator],
        keys: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        initial = {
            self.field_name(i, key): _initial(i, key) for i in indicators for key, _label in keys
        }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.keys = list(keys)
        for indicator in indicators:
            for key, label in keys:
                self.fields[self.field_name(indicator, key)] = forms.CharField(
                    label=_("Chỉ tiêu %(code)s — %(key)s") % {"code": indicator.code, "key": label},
                    required=False,
                    max_length=20,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
                )

    @staticmethod
    def field_name(indicator: CriterionIndicator, key: str) -> str:
        return f"t:{indicator.code}:{key}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, field in self.fields.items():
            value = str(cleaned.get(name) or "").strip()
            if value and _number(value) is None:
                self.add_error(
                    name,
                    _("%(field)s: “%(value)s” không phải là số.")
                    % {"field": field.label, "value": value},
                )
        return cleaned

    def rows(self) -> list[tuple[CriterionIndicator, list[forms.BoundField]]]:
        return [
            (i, [self[self.field_name(i, key)] for key, _label in self.keys])
            for i in self.indicators
        ]

    def changed_thresholds(self) -> dict[str, dict[str, str | None]]:
        """The thresholds of the indicators whose numbers changed, as
        `province_thresholds_set` takes them. Equal numbers for every key, where the
        indicator had one common threshold or none, stay one common threshold."""
        changed: dict[str, dict[str, str | None]] = {}
        for indicator in self.indicators:
            given: dict[str, str | None] = {}
            for key, _label in self.keys:
                value = str(self.cleaned_data.get(self.field_name(indicator, key)) or "").strip()
                number = _number(value) if value else None
                given[key] = None if number is None else _plain(number)
            before = {key: _initial(indicator, key) for key, _label in self.keys}
            if all(_same(given[key], before[key]) for key in given):
                continue
            values = set(given.values())
            if (
                len(self.keys) > 1
                and len(values) == 1
                and None not in values
                and set(indicator.thresholds) <= {ALL_UNITS}
            ):
                given = {ALL_UNITS: values.pop()}
            changed[indicator.code] = given
        return changed


def _initial(indicator: CriterionIndicator, key: str) -> str:
    value = indicator.thresholds.get(key, indicator.thresholds.get(ALL_UNITS))
    return "" if value is None else value


def _plain(number: Decimal) -> str:
    """80 rather than 80.0 or 8E+1."""
    return format(number.normalize(), "f")


def _same(value: str | None, before: str) -> bool:
    if value is None or not before:
        return value is None and not before
    return _number(value) == _number(before)


class AssessmentForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Kết quả"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = EvidenceField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_("Một hoặc nhiều tệp PDF, ảnh, văn bản hoặc bảng tính, mỗi tệp tối đa 20 MB."),
    )


class ClassificationForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Vùng (bộ tiêu chí 2021-2025)"),
        choices=[("", _("— chưa xếp —")), *Region.choices],
        required=False,
    )
    commune_group = forms.ChoiceField(
        label=_("Nhóm xã (bộ tiêu chí 2026-2030)"),
        choices=[("", _("— chưa xếp —")), *CommuneGroup.choices],
        required=False,
    )
    extremely_disadvantaged = forms.BooleanField(label=_("Xã đặc biệt khó khăn"), required=False)
    safe_zone = forms.BooleanField(label=_("Xã an toàn khu"), required=False)
