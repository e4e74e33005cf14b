"""The one name-normalisation function. Every comparison, duplicate check and search of
Vietnamese names goes through `normalize_name`."""

from __future__ import annotations

import re
import unicodedata

# Tone marks as combining characters (after NFD): grave, acute, hook above, tilde, dot below.
_TONES = "\u0300\u0301\u0309\u0303\u0323"
# "Hoà" (new placement) and "Hòa" (old placement) are the same name. Official registers
# write the old placement, so the new one is moved back: the tone goes onto the first
# vowel of a syllable-final "oa", "oe" or "uy". "Quý" is left alone: there "u" belongs
# to the consonant "qu" and the tone already sits on the main vowel.
_NEW_PLACEMENT = re.compile(
    rf"(?<![qQ])([oO])([aAeE])([{_TONES}])(?!\w)|(?<![qQ])([uU])([yY])([{_TONES}])(?!\w)"
)
_APOSTROPHES = re.compile("[\u2018\u2019\u02bc\u02b9`\u00b4\u2032]")
# "Chân Mây – Lăng Cô" and "Chân Mây - Lăng Cô": registers differ in the dash they use.
_DASHES = re.compile("\\s*[\u2010-\u2015\u2212-]\\s*")
_SPACES = re.compile(r"\s+")


def _old_placement(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1) + match.group(3) + match.group(2)
    return match.group(4) + match.group(6) + match.group(5)


def without_diacritics(text: str) -> str:
    """`text` without tone marks and vowel marks, "đ"/"Đ" as "d"/"D", its case kept:
    "Điều tra hộ" → "Dieu tra ho". "Đ" is a letter of its own, not "D" with a
    combining mark, so dropping the marks alone would not fold it."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


def normalize_name(text: str, *, fold_diacritics: bool = False) -> str:
    """A comparison key for a Vietnamese name: lower case, NFC, one tone placement, one
    apostrophe, one dash, single spaces. With `fold_diacritics`, also without diacritics and with
    "đ" as "d" and no apostrophes, for search: "dan phuong" finds "Đan Phượng"."""
    decomposed = unicodedata.normalize("NFD", text.strip())
    decomposed = _NEW_PLACEMENT.sub(_old_placement, decomposed)
    decomposed = _APOSTROPHES.sub("'", decomposed)
    decomposed = _DASHES.sub(" - ", decomposed)
    decomposed = _SPACES.sub(" ", decomposed).casefold()
    if fold_diacritics:
        # Searchers type "blao" for "B'Lao" as readily as "dan phuong" for "Đan Phượng".
        decomposed = without_diacritics(decomposed).replace("'", "")
    return unicodedata.normalize("NFC", decomposed)
