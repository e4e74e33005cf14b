"""The QR code ODK Collect scans to configure itself (Project settings → Scan)."""

from __future__ import annotations

import io

import qrcode  # type: ignore[import-untyped]  # qrcode ships no type hints
import qrcode.constants  # type: ignore[import-untyped]  # as above


def settings_qr_png(payload: str, *, box_size: int = 6) -> bytes:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_L, box_size=box_size, border=4
    )
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()
