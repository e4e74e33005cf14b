"""Vietnamese mobile numbers: read in the forms people write them (0912 345 678,
+84 912345678, 84912345678, 912345678 from a spreadsheet that dropped the 0) and kept as
+84 followed by nine digits, the form SMS gateways take."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from langso.core.errors import DomainError

# Mobile prefixes in use since the 2018 renumbering (the digit after 0): 3, 5, 7, 8, 9
# followed by the network's digit. Landlines (02x) cannot receive SMS.
_MOBILE = re.compile(r"(3[2-9]|5[2-9]|7[06-9]|8[1-9]|9[0-9])\d{7}")
_SEPARATORS = re.compile(r"[\s.\-()]")


def vn_mobile_normalise(text: str) -> str:
    """`text` as +84xxxxxxxxx; a number that is not a Vietnamese mobile number is
    refused with the reason (DomainError)."""
    digits = _SEPARATORS.sub("", text or "")
    if digits.startswith("+84"):
        rest = digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        rest = digits[2:]
    elif digits.startswith("0"):
        rest = digits[1:]
    elif len(digits) == 9:
        rest = digits
    else:
        raise DomainError(
            _("“%(phone)s” không phải số di động Việt Nam: viết 0 và 9 chữ số, hoặc +84.")
            % {"phone": text}
        )
    # Landlines (02x and eight digits since 2017) are one digit longer than mobiles:
    # said as landlines before the count of digits.
    if rest.isdigit() and rest.startswith("2"):
        raise DomainError(
            _("“%(phone)s” là số máy bàn: không nhận được tin nhắn SMS.") % {"phone": text}
        )
    if not rest.isdigit() or len(rest) != 9:
        raise DomainError(
            _("“%(phone)s” không phải số di động Việt Nam: cần đúng 10 chữ số kể cả số 0 đầu.")
            % {"phone": text}
        )
    if not _MOBILE.fullmatch(rest):
        raise DomainError(
            _("“%(phone)s” không thuộc đầu số di động nào của Việt Nam.") % {"phone": text}
        )
    return f"+84{rest}"
