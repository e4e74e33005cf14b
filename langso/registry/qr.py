"""QR codes of address codes, for the plates on households' doors."""

from __future__ import annotations

from langso.core.qr import qr_png

from .models import Household


def household_qr_png(household: Household, *, box_size: int = 10) -> bytes:
    """The address code as a QR code (PNG). Only the code: a phone that reads the plate
    learns nothing personal; an officer's phone opens the household from it."""
    return qr_png(household.address_code, box_size=box_size)
