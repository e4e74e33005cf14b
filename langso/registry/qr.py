"""QR codes of address codes, for the plates on households' doors."""

from __future__ import annotations

import io

import qrcode  # type: ignore[import-untyped]  # qrcode ships no type hints
import qrcode.constants  # type: ignore[import-untyped]  # as above

from .models import Household


def household_qr_png(household: Household, *, box_size: int = 10) -> bytes:
    """The address code as a QR code (PNG). Only the code: a phone that reads the plate
    learns nothing personal; an officer's phone opens the household from it."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4
    )
    code.add_data(household.address_code)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()
