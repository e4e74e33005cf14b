"""`filters_in_use`: whether a list's filter panel must stay open on a phone."""

from __future__ import annotations

import pytest
from django import forms
from django.http import QueryDict

from langso.core.templatetags.filters import filters_in_use


class _Filters(forms.Form):
    q = forms.CharField(required=False)
    after = forms.IntegerField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", "Tất cả"), ("active", "Đang ở")])
    duplicates = forms.BooleanField(required=False)


@pytest.mark.parametrize(
    ("query", "in_use"),
    [
        ("", False),
        ("q=Lan&after=40", False),
        ("status=", False),
        ("status=active", True),
        ("duplicates=on", True),
    ],
)
def test_only_a_filter_besides_search_and_paging_counts(query: str, in_use: bool) -> None:
    assert filters_in_use(_Filters(QueryDict(query))) is in_use


def test_an_unsent_form_uses_no_filter() -> None:
    assert filters_in_use(_Filters()) is False
