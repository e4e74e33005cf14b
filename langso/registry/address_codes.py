"""Address codes for households without a national digital-address code.

Format "<commune code>-<6-digit sequence>-<check character>", e.g. "13456-000123-C":
readable aloud, short enough for a door plate, and the check character (ISO 7064
MOD 37,36) catches every single mistyped character and nearly every swap of two
neighbours when an officer or team member types a code from a plate.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import F

from langso.places.models import AdminUnit

from .models import AddressSequence

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
GENERATED_PATTERN = re.compile(r"^(\d{5})-(\d{6})-([0-9A-Z])$")
# National codes and officers' own codes: letters, digits and dashes.
ANY_CODE_PATTERN = re.compile(r"^[0-9A-Z][0-9A-Z-]{2,31}$")


_MODULUS = 36


def _step(product: int, value: int) -> int:
    """One character of ISO 7064 MOD 37,36 (hybrid): the running product after it."""
    total = (product + value) % _MODULUS or _MODULUS
    return (total * 2) % (_MODULUS + 1)


# The product after each character, by the product before it: an import generates
# codes by the hundred thousand, and a table look-up is several times faster.
_STEPS = {
    char: tuple(_step(product, value) for product in range(_MODULUS + 1))
    for value, char in enumerate(_ALPHABET)
}


def check_character(body: str) -> str:
    """ISO 7064 MOD 37,36 (hybrid) check character over digits and capital letters."""
    product = _MODULUS
    for char in body:
        if char != "-":
            product = _STEPS[char][product]
    return _ALPHABET[(_MODULUS + 1 - product) % _MODULUS]


def format_generated(commune_code: str, sequence: int) -> str:
    body = f"{commune_code}-{sequence:06d}"
    return f"{body}-{check_character(body)}"


def is_valid_generated(code: str) -> bool:
    """Whether a code has the generated form and its check character agrees."""
    match = GENERATED_PATTERN.match(code)
    return bool(match) and check_character(code[:-2]) == match.group(3)  # type: ignore[union-attr]  # bool(match) checked first


def normalize_code(code: str) -> str:
    """Codes are compared as typed on a plate: upper case, no spaces."""
    return re.sub(r"\s+", "", code).upper()


@transaction.atomic
def allocate(*, commune: AdminUnit, count: int = 1) -> list[str]:
    """`count` new generated codes for the commune, never given before. Concurrent callers
    each get their own range: the counter row is incremented in the database."""
    AddressSequence.objects.get_or_create(commune=commune)
    AddressSequence.objects.filter(commune=commune).update(last=F("last") + count)
    last = AddressSequence.objects.values_list("last", flat=True).get(commune=commune)
    return [format_generated(commune.code, n) for n in range(last - count + 1, last + 1)]
