"""`{% load filters %}`: `{{ form|filters_in_use }}`, whether a list's filter form was
sent with any filter besides the search box and the page cursor (a folded filter panel
stays open on a phone then, so that the user sees what narrows the list)."""

from __future__ import annotations

from django import forms, template

register = template.Library()

# Not filters: the search box, shown above the panel, and the keyset page cursor.
NOT_FILTERS = frozenset({"q", "after"})


@register.filter
def filters_in_use(form: forms.Form) -> bool:
    if not form.is_bound:
        return False
    # A bound field's value as sent: "" or None when empty, False for an unticked box.
    return any(form[name].value() for name in form.fields if name not in NOT_FILTERS)
