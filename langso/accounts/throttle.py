"""Sign-in throttling: failed attempts counted per account and per address in the shared
cache, and a lock for a while once either passes its limit.

The cache is the database (embedded default) or Redis (`REDIS_URL`), never a process's
memory: gunicorn's workers must see the same counts. The web sign-in (login page, admin
login, the two-factor code) and the OpenRosa Basic sign-in keep separate counts, so that
a phone still sending a revoked app password cannot lock its owner out of the web pages.
An account's count is kept for any username, existing or not, so that a lock says
nothing about which accounts exist.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from langso.core.errors import TooManyAttempts


@dataclass(frozen=True)
class Limit:
    """At most `attempts` within `window` seconds; then refused for `lockout` seconds."""

    attempts: int
    window: int
    lockout: int


_MINUTES_15 = 15 * 60
_HOUR = 60 * 60

# An account guesses little: five wrong passwords. An address is shared by a commune
# office behind one router, or by a mobile carrier's NAT, so it gets more.
SIGNIN_ACCOUNT = Limit(attempts=5, window=_MINUTES_15, lockout=_MINUTES_15)
SIGNIN_ADDRESS = Limit(attempts=30, window=_MINUTES_15, lockout=_MINUTES_15)
# Reset requests send e-mail: every request counts, not only failures.
RESET_EMAIL = Limit(attempts=5, window=_HOUR, lockout=_HOUR)
RESET_ADDRESS = Limit(attempts=20, window=_HOUR, lockout=_HOUR)

WEB = "web"
OPENROSA = "openrosa"


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind `TRUSTED_PROXY_COUNT` reverse proxies
    the address the outermost of them saw (X-Forwarded-For is appended to by each proxy;
    anything further left was written by the client and proves nothing). IPv6 addresses
    count per /64, the block one subscriber is given."""
    address = str(request.META.get("REMOTE_ADDR", ""))
    proxies: int = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def _key(kind: str, value: str) -> str:
    # Hashed: usernames and addresses may hold characters a cache key may not.
    return f"throttle:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _account(door: str, username: str) -> str:
    return _key(f"{door}:account", username.strip().casefold())


def _address(door: str, address: str) -> str:
    return _key(f"{door}:address", address)


def _retry_after(keys: list[str]) -> int:
    """Seconds until the last of these locks ends; 0 when none holds."""
    now = time.time()
    locked = cache.get_many([f"{key}:lock" for key in keys])
    return max((math.ceil(until - now) for until in locked.values()), default=0)


def _count(key: str, limit: Limit) -> None:
    """Count one attempt; lock the key once its window holds `limit.attempts`."""
    cache.add(key, 0, timeout=limit.window)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=limit.window)
        attempts = 1
    if attempts >= limit.attempts:
        cache.set(f"{key}:lock", time.time() + limit.lockout, timeout=limit.lockout)
        cache.delete(key)


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def signin_check(*, door: str, username: str, address: str) -> None:
    """Raise TooManyAttempts while the account or the address is locked at this door."""
    retry_after = _retry_after([_account(door, username), _address(door, address)])
    if retry_after > 0:
        raise TooManyAttempts(
            _("Đăng nhập sai quá nhiều lần. Thử lại sau %(minutes)s phút.")
            % {"minutes": _minutes(retry_after)},
            retry_after=retry_after,
        )


def signin_failed(*, door: str, username: str, address: str) -> None:
    """Count a failed sign-in against the account and the address."""
    _count(_account(door, username), SIGNIN_ACCOUNT)
    _count(_address(door, address), SIGNIN_ADDRESS)


def signin_succeeded(*, door: str, username: str) -> None:
    """Forget the account's failures; the address keeps its count (one right password
    must not reset an address that is guessing at many accounts)."""
    cache.delete(_account(door, username))


def password_reset_count(*, email: str, address: str) -> None:
    """Count a password-reset request, or raise TooManyAttempts while the address it is
    for or the client's address is locked."""
    keys = [_key("reset:email", email.strip().casefold()), _key("reset:address", address)]
    retry_after = _retry_after(keys)
    if retry_after > 0:
        raise TooManyAttempts(
            _("Đã yêu cầu đặt lại mật khẩu quá nhiều lần. Thử lại sau %(minutes)s phút.")
            % {"minutes": _minutes(retry_after)},
            retry_after=retry_after,
        )
    _count(keys[0], RESET_EMAIL)
    _count(keys[1], RESET_ADDRESS)


def requests_count(*, kind: str, value: str, limit: Limit) -> int:
    """Count one request of `kind` (a public form's posts) from `value` (a client's
    address): the seconds the caller must still wait while `value` is locked (nothing
    counted then), else 0 once counted. The request that fills the window is allowed;
    the next is refused."""
    key = _key(kind, value)
    retry_after = _retry_after([key])
    if retry_after > 0:
        return retry_after
    _count(key, limit)
    return 0
