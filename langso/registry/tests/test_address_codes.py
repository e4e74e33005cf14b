"""The check character of generated address codes is ISO/IEC 7064 MOD 37,36 (hybrid),
pinned to vectors worked out independently of `address_codes`: a published example and
examples computed by hand from the standard's recurrence, never by the code under test.

The standard's recurrence, with M = 36 and character values 0–9 → 0–9, A–Z → 10–35:
P₁ = M; for each character aⱼ, Sⱼ = (Pⱼ + aⱼ) mod M, with 0 read as M, and
Pⱼ₊₁ = 2·Sⱼ mod (M + 1); the check character is the one whose value c makes
(Pₙ₊₁ + c) mod M = 1, that is c = (M + 1 − Pₙ₊₁) mod M.
"""

from __future__ import annotations

import pytest

from langso.registry.address_codes import check_character, format_generated, is_valid_generated

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_the_published_grid_example() -> None:
    """The Global Release Identifier (GRid), which uses MOD 37,36, gives
    A1-2425G-ABC1234002-M as its example: check character M."""
    assert check_character("A12425GABC1234002") == "M"


def test_one_character_by_hand() -> None:
    """ "0": S₁ = (36 + 0) mod 36 = 0, read as 36; P₂ = 72 mod 37 = 35;
    c = (37 − 35) mod 36 = 2, the character "2"."""
    assert check_character("0") == "2"


# "37001-000001" worked by hand: (character, P before it, S, P after it). The dash is no
# character of the alphabet and is skipped.
WORKED = [
    ("3", 36, 3, 6),
    ("7", 6, 13, 26),
    ("0", 26, 26, 15),
    ("0", 15, 15, 30),
    ("1", 30, 31, 25),
    ("0", 25, 25, 13),
    ("0", 13, 13, 26),
    ("0", 26, 26, 15),
    ("0", 15, 15, 30),
    ("0", 30, 30, 23),
    ("1", 23, 24, 11),
]


def test_the_worked_table_follows_the_standard() -> None:
    """Each line of the hand-worked table obeys the recurrence, and each starts where the
    previous one ended (a check of the table itself, not of the code)."""
    before = 36
    for char, product, total, after in WORKED:
        assert product == before
        assert total == ((product + ALPHABET.index(char)) % 36 or 36)
        assert after == (2 * total) % 37
        before = after
    # c = (37 − 11) mod 36 = 26, the letter Q.
    assert ALPHABET[(37 - before) % 36] == "Q"


def test_a_commune_code_by_hand() -> None:
    """The first code of commune 37001 ends in Q, as worked out above."""
    assert check_character("37001-000001") == "Q"
    assert format_generated("37001", 1) == "37001-000001-Q"
    assert is_valid_generated("37001-000001-Q")


FIRST_CODE = "37001-000001-Q"


@pytest.mark.parametrize("position", [i for i, char in enumerate(FIRST_CODE) if char != "-"])
def test_every_single_mistyped_character_is_caught(position: int) -> None:
    """A single substituted character, in any position (the check character's too),
    never passes the check: what a MOD 37,36 system guarantees."""
    for char in ALPHABET.replace(FIRST_CODE[position], ""):
        typo = FIRST_CODE[:position] + char + FIRST_CODE[position + 1 :]
        assert not is_valid_generated(typo), typo
