"""SMS text: how many segments a text takes, and its form without diacritics.

Minimal version for announcements' preview (issue 18); the Kannel adapter's author owns
this module and keeps theirs at merge."""

from __future__ import annotations

from langso.core.text import without_diacritics

# GSM 03.38 basic alphabet and its extension (each extension character takes two).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


def sms_segments(text: str) -> tuple[str, int]:
    """The encoding a text needs ("gsm" or "ucs2") and its number of segments: 160
    characters alone or 153 a segment when concatenated in GSM, 70 or 67 in UCS-2."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        length = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        single, part, encoding = 160, 153, "gsm"
    else:
        # UCS-2 counts UTF-16 code units (a character outside the BMP takes two).
        length = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "ucs2"
    if length <= single:
        return encoding, 1 if length else 0
    return encoding, -(-length // part)


def sms_ascii(text: str) -> str:
    """`text` in Vietnamese without diacritics ("Đình làng" → "Dinh lang"), so that it
    fits GSM's 160 characters a segment."""
    return without_diacritics(text)
