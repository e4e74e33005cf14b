"""Contacts' consent. Written for issue 18 (SMS) with only what "TU CHOI" needs: the
engineer of contacts (e-mail, in-app) extends this module with the same names."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ..models import Consent


def consent_withdraw(
    *,
    channel: str,
    address: str,
    via: str,
    purposes: tuple[str, ...] = (),
    at: dt.datetime | None = None,
) -> int:
    """Withdraw the standing consents (of `purposes`, or every purpose) of every contact
    at `address` on `channel`, whoever holds it: one phone may be two households' contact,
    and its owner said no for the number. Returns how many consents were withdrawn; none
    standing is not an error (a second "TU CHOI" changes nothing)."""
    at = at or timezone.now()
    with transaction.atomic():
        standing = Consent.objects.filter(
            contact__channel=channel, contact__address=address, withdrawn_at__isnull=True
        )
        if purposes:
            standing = standing.filter(purpose__in=purposes)
        return standing.update(withdrawn_at=at, withdrawn_via=via)
