"""A signed-in user's home: the work of the unit their role is on, or a chooser when
they hold several roles and have not picked one yet."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .context_processors import CHOSEN_ROLE, chosen_role


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A home page marks "Trang của tôi" current in the navigation at whatever address
    shows it (`/` shows the home too, and a role's home has its own)."""
    return render(request, template, {**context, "nav_current": selectors.HOME_NAV_KEY})


def _home_page(request: HttpRequest, role: selectors.HomeRole, several: bool) -> HttpResponse:
    context: dict[str, Any] = {"role": role, "several": several, "year": selectors.home_year()}
    unit = role.unit
    if role.kind == selectors.NATIONAL or unit is None:
        context["provinces"] = selectors.national_provinces()
        template = "home/national.html"
    elif role.kind == selectors.PROVINCE:
        context["home"] = selectors.province_home(
            user=request.user, unit=unit, year=context["year"]
        )
        template = "home/province.html"
    elif role.kind == selectors.COMMUNE:
        context["home"] = selectors.commune_home(
            user=request.user, unit=unit, year=context["year"], role=role
        )
        template = "home/commune.html"
    elif role.kind == selectors.DOSSIERS:
        context["dossiers"] = selectors.dossier_work(user=request.user, role=role)
        template = "home/dossiers.html"
    elif role.kind == selectors.COLLECTOR:
        context["home"] = selectors.collector_home(user=request.user)
        template = "home/collector.html"
    else:
        template = "home/unit_home.html"
    context["pages"] = selectors.unit_pages(role)
    return _render(request, template, context)


def _chooser(request: HttpRequest, roles: list[selectors.HomeRole]) -> HttpResponse:
    current = selectors.home_role_current(user=request.user, chosen=chosen_role(request))
    return _render(request, "home/choose.html", {"roles": roles, "current": current})


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The home of the role in use; the chooser while several wait for a choice; for a
    user with no role, where to ask for one."""
    roles = selectors.home_roles(user=request.user)
    if not roles:
        return _render(request, "home/no_role.html", {})
    role = selectors.home_role_current(user=request.user, chosen=chosen_role(request))
    if role is None:
        return _chooser(request, roles)
    return _home_page(request, role, several=len(roles) > 1)


@login_required
@require_GET
def role_choose(request: HttpRequest) -> HttpResponse:
    """Each of the user's roles with its unit's name, to switch between them."""
    return _chooser(request, selectors.home_roles(user=request.user))


@login_required
@require_GET
def role_home(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The home of one of the user's roles, kept as their choice for the session (the
    navigation then leads to that role's unit). Another's role is a 404."""
    role = selectors.home_role_get(user=request.user, assignment_id=assignment_id)
    request.session[CHOSEN_ROLE] = assignment_id
    several = len(selectors.home_roles(user=request.user)) > 1
    return _home_page(request, role, several=several)
