"""A form field to pick one of the user's own units by name (issue 15, item 8): no form
asks for a unit code typed by hand.

The field renders a text input with a list of suggestions (<datalist>) holding the
labels of the user's units ("Xã Gia Viễn, Tỉnh Ninh Bình"): the browser filters them as
the user types, with or without JavaScript. When the scope holds more units than the
list shows at once (a province, the country), htmx asks `accounts:unit-options` for the
units whose name holds what was typed and replaces the suggestions. Without JavaScript a
name typed in full or in part is still understood, when only one unit matches.

The field cleans to the AdminUnit (or None), read through `unit_pick_resolve`: only
units in the user's scope for the field's permission, and a code is accepted too, for
the links that carry one. The services behind the forms check the scope again.
A form with picker fields takes the user: `UnitPickerFormMixin`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from langso.core.actors import Actor
from langso.core.errors import DomainError
from langso.places.models import AdminUnit

from .roles import Permission
from .selectors import UNIT_PICK_LIMIT, unit_label, unit_pick_list, unit_pick_resolve


class UnitPickerWidget(forms.TextInput):
    template_name = "accounts/widgets/unit_picker.html"

    def __init__(self, *, levels: Sequence[str], permission: str) -> None:
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false"})
        self.levels = tuple(levels)
        self.permission = permission
        self.user: Actor | None = None

    def format_value(self, value: Any) -> str | None:
        """A unit (or its code, from a link) is shown by its label; text typed in a form
        sent back with an error is shown as typed."""
        if isinstance(value, AdminUnit):
            return unit_label(value)
        text: str | None = super().format_value(value)
        if text and self.user is not None:
            try:
                unit = unit_pick_resolve(
                    user=self.user, permission=self.permission, levels=self.levels, text=text
                )
            except DomainError:
                return text
            if unit is not None and unit.code == text.strip():
                return unit_label(unit)
        return text

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        units = (
            unit_pick_list(
                user=self.user,
                permission=self.permission,
                levels=self.levels,
                limit=UNIT_PICK_LIMIT + 1,
            )
            if self.user is not None
            else []
        )
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-choices"
        widget["options"] = [unit_label(unit) for unit in units[:UNIT_PICK_LIMIT]]
        widget["search_url"] = ""
        if len(units) > UNIT_PICK_LIMIT:
            query = urlencode(
                {"level": self.levels, "permission": self.permission, "field": name}, doseq=True
            )
            widget["search_url"] = f"{reverse('accounts:unit-options')}?{query}"
        return context


class UnitPickerField(forms.Field):
    """One of the user's current units of `levels`, within their scope for `permission`."""

    widget = UnitPickerWidget

    def __init__(
        self,
        *,
        levels: Sequence[str],
        permission: str = Permission.VIEW_SCOPED,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("help_text", _("Gõ vài chữ của tên rồi chọn trong danh sách gợi ý."))
        super().__init__(widget=UnitPickerWidget(levels=levels, permission=permission), **kwargs)
        self.levels = tuple(levels)
        self.permission = permission
        self.user: Actor | None = None

    def bind(self, user: Actor) -> None:
        self.user = user
        assert isinstance(self.widget, UnitPickerWidget)  # noqa: S101  # set in __init__
        self.widget.user = user

    def clean(self, value: Any) -> AdminUnit | None:
        text = str(super().clean(value) or "")[:300]
        if self.user is None:
            raise RuntimeError("UnitPickerField used before bind(user): see UnitPickerFormMixin.")
        try:
            return unit_pick_resolve(
                user=self.user, permission=self.permission, levels=self.levels, text=text
            )
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code="unit") from exc

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Whether another unit was picked: the page shows the initial unit's label where
        the form's initial holds its code (or the unit)."""
        try:
            picked = self.clean(data)
        except forms.ValidationError:
            return True
        before = initial.code if isinstance(initial, AdminUnit) else str(initial or "")
        return (picked.code if picked is not None else "") != before


class UnitPickerFormMixin:
    """For forms with picker fields: `Form(data, user=request.user)` binds them."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, UnitPickerField):
                field.bind(user)


def picked_code(form: forms.BaseForm, name: str) -> str:
    """The code of the unit picked in field `name` ("" when none), for the forms whose
    callers take a code."""
    unit: AdminUnit | None = form.cleaned_data.get(name)
    return unit.code if unit is not None else ""
