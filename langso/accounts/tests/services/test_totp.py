"""Two-factor devices: enrolment, codes, and the delay after a wrong code."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from langso.accounts.services import (
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_verify,
)
from langso.core.errors import AccessDenied, DomainError

from ..conftest import Holders


def _code(device: TOTPDevice, *, offset: int = 0) -> str:
    return f"{(totp(device.bin_key, step=device.step, t0=device.t0) + offset) % 1_000_000:06d}"


def test_a_wrong_code_at_enrolment_is_refused_and_its_delay_kept(holders: Holders) -> None:
    """The refusal names the problem in Vietnamese; django-otp's delay after a wrong code
    is stored although the enrolment is refused, so codes cannot be tried at speed."""
    device = totp_enrolment_start(user=holders.province_officer)
    with pytest.raises(DomainError, match="không đúng"):
        totp_enrolment_confirm(user=holders.province_officer, token=_code(device, offset=1))
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert not device.confirmed


def test_a_code_signs_in_once(holders: Holders) -> None:
    """The code that confirmed the device cannot be used again in the same step."""
    device = totp_enrolment_start(user=holders.central_admin)
    code = _code(device)
    totp_enrolment_confirm(user=holders.central_admin, token=code)
    assert not totp_verify(user=holders.central_admin, token=code)


def test_enrolment_is_for_province_and_central_administrators(holders: Holders) -> None:
    """A commune officer cannot start one."""
    with pytest.raises(AccessDenied):
        totp_enrolment_start(user=holders.commune_officer)
    assert not TOTPDevice.objects.exists()
