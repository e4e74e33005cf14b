"""QR codes as PNG: door plates of households, ODK Collect's settings."""

from __future__ import annotations

import io

import qrcode  # type: ignore[import-untyped]  # qrcode ships no type hints
import qrcode.constants  # type: ignore[import-untyped]  # as above

_ERROR_CORRECTION = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
}


def qr_png(text: str, *, box_size: int = 10, error_correction: str = "M") -> bytes:
    """`text` as a QR code image (PNG). "M" survives a scratched plate; "L" packs long
    texts (settings) into fewer modules."""
    code = qrcode.QRCode(
        error_correction=_ERROR_CORRECTION[error_correction], box_size=box_size, border=4
    )
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()
