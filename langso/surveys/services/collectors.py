"""Collectors' app credentials: what ODK Collect (or Enketo) signs in with."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import zlib

from django.db import transaction
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.accounts.roles import Permission
from langso.accounts.selectors import user_has_permission_somewhere
from langso.core.actors import Actor
from langso.core.errors import AccessDenied
from langso.core.models import AuditEntry
from langso.core.services import audit_record

from ..models import CollectorCredential

# 32 random bytes: too many to guess, so a fast hash is enough to store it.
_TOKEN_BYTES = 32


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def collector_credential_issue(*, actor: Actor) -> str:
    """A new app password for the signed-in collector, replacing any earlier one (a lost
    phone stops working). Returned once, never stored in clear."""
    if not actor.is_authenticated or not user_has_permission_somewhere(
        user=actor, permission=Permission.COLLECT_SURVEYS
    ):
        raise AccessDenied(_("Bạn không có vai trò thu thập khảo sát."))
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    replaced = CollectorCredential.objects.filter(user_id=actor.pk).delete()[0] > 0
    credential = CollectorCredential.objects.create(user_id=actor.pk, token_sha256=_digest(token))
    audit_record(
        actor=actor,
        instance=credential,
        action=AuditEntry.Action.CREATE,
        after={"replaced_earlier": replaced},
    )
    return token


def collector_authenticate(*, username: str, token: str) -> User | None:
    """The active user whose app password this is, or None. Compared in constant time."""
    credential = (
        CollectorCredential.objects.select_related("user")
        .filter(user__username=username, user__is_active=True)
        .first()
    )
    if credential is None or not hmac.compare_digest(credential.token_sha256, _digest(token)):
        return None
    return credential.user


def collect_settings_payload(*, server_url: str, username: str, token: str) -> str:
    """ODK Collect's settings as its QR code carries them: JSON, zlib-compressed, then
    base64 (docs.getodk.org/collect-import-export)."""
    settings = {
        "general": {
            "server_url": server_url,
            "username": username,
            "password": token,
            "form_update_mode": "match_exactly",
            "autosend": "wifi_and_cellular",
        },
        "admin": {},
        "project": {"name": "Làng Số", "icon": "🏡", "color": "#2e7d32"},
    }
    packed = zlib.compress(json.dumps(settings, ensure_ascii=False).encode())
    return base64.b64encode(packed).decode()
