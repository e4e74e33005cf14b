"""The main navigation of every page, computed only when a template shows it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from .selectors import NavItem, navigation

# The role whose home (and unit) the user chose, kept for the session.
CHOSEN_ROLE = "langso_home_role"


def chosen_role(request: HttpRequest) -> int | None:
    session = getattr(request, "session", None)
    value = session.get(CHOSEN_ROLE) if session is not None else None
    return value if isinstance(value, int) else None


def site_navigation(request: HttpRequest) -> dict[str, Any]:
    """`site_nav`: the user's navigation items (a callable: the template engine calls
    it, and only pages that show the header pay for it)."""

    def items() -> list[NavItem]:
        return navigation(user=request.user, chosen=chosen_role(request))

    nav: Callable[[], list[NavItem]] = items
    return {"site_nav": nav}
