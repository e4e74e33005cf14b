"""Sequential codes for registry rows without a code of their own:
"<commune code>-<prefix><0001>", e.g. "37001-HTX0007" for a commune's seventh cooperative.

The next number is the highest one in use plus one. Two officers saving at the same
moment may compute the same code; the unique constraint refuses the second, which
computes again (`save_with_code`). These registries never delete rows, so a number is
never handed out twice.
"""

from __future__ import annotations

import re
from typing import TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length

M = TypeVar("M", bound=models.Model)

_ATTEMPTS = 5


def code_stem(*, commune_code: str, prefix: str) -> str:
    return f"{commune_code}-{prefix}"


def next_code(*, model: type[models.Model], field: str, stem: str) -> str:
    """The code after the highest "<stem><digits>" in use (numbers of any width: the
    longest, then the greatest, is the highest)."""
    last = (
        model._default_manager.filter(
            **{f"{field}__startswith": stem, f"{field}__regex": rf"^{re.escape(stem)}[0-9]+$"}
        )
        .order_by(Length(field).desc(), f"-{field}")
        .values_list(field, flat=True)
        .first()
    )
    number = int(str(last)[len(stem) :]) + 1 if last else 1
    return f"{stem}{number:04d}"


def save_with_code(instance: M, *, field: str, stem: str) -> M:
    """Give `instance` the next free code under `stem` and insert it, computing again when
    a concurrent writer took the same code first."""
    for attempt in range(_ATTEMPTS):
        code = next_code(model=type(instance), field=field, stem=stem)
        setattr(instance, field, code)
        try:
            with transaction.atomic():
                instance.save(force_insert=True)
        except IntegrityError:
            taken = type(instance)._default_manager.filter(**{field: code}).exists()
            if not taken or attempt == _ATTEMPTS - 1:
                raise
            continue
        return instance
    raise AssertionError("unreachable")  # pragma: no cover
