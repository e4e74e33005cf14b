"""What reads of many units need of each: `UnitKey`, met by `AdminUnit` and by the
lighter records a caller builds when it reads thousands of units and shows only their
names (a national map's 3,321 communes, where building the models cost more than the
figures: `bench choropleth`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol, cast

from typing_extensions import TypeVar

from .models import AdminUnit


class UnitKey(Protocol):
    """A unit as a reader of figures knows it: its id, its level, and whether it is of
    before the 2025 merger (`valid_to`)."""

    @property
    def pk(self) -> int: ...

    @property
    def level(self) -> str: ...

    @property
    def valid_to(self) -> dt.date | None: ...


# The units a caller reads, and gets back in what it is given: `AdminUnit` unless it
# says otherwise. Not bound to `UnitKey`: mypy checks a bound against the default before
# the Django plugin has given `AdminUnit` its fields, and refuses it.
U = TypeVar("U", default=AdminUnit)


def unit_keys(units: Sequence[U]) -> Sequence[UnitKey]:
    """`units`, which callers give as `AdminUnit` or as records of `UnitKey`'s fields,
    read as keys (what the missing bound of `U` would have said)."""
    return cast("Sequence[UnitKey]", units)
