"""Checks shared by the access tests of the surveys selectors."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest
from django.db.models import Model

from langso.core.errors import NotFound


def assert_gets_only(
    get: Callable[[int], Model], rows: Mapping[str, Model], reached: set[str]
) -> None:
    """`get(pk)` gives each row named in `reached`, and refuses every other one as
    NotFound with the very message of a row that does not exist: a refusal never
    reveals whether the row exists."""
    with pytest.raises(NotFound) as missing:
        get(max(row.pk for row in rows.values()) + 1)
    for name, row in rows.items():
        if name in reached:
            assert get(row.pk) == row, name
        else:
            with pytest.raises(NotFound) as refused:
                get(row.pk)
            assert refused.value.message == missing.value.message, name
