"""A crawl of the pages each demo role reaches by links from the home page (issue 15),
on demo-like data: a province with communes, villages, households, placed registries, a
digital team, the shipped indicators, survey form and criteria sets, the demo province's
own sets, and a second province outside every local role's scope. The tests that read
the crawled pages (no dead links, no internal words) import `crawl` and the fixtures."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.test import Client
from django.urls import Resolver404, resolve

from langso.accounts.roles import Role
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import make_role_holder
from langso.criteria.management.commands.load_demo_criteria import DEMO
from langso.criteria.services import criteria_catalogue_load
from langso.indicators.testing import definitions, work_records_report
from langso.places.testing import make_unit_tree
from langso.plans.services.plans import seed_plans_load
from langso.recognition.services.procedures import procedures_load
from langso.registry.testing import (
    ALL_SPECS,
    RegistryTree,
    RegistryUsers,
    create_household,
    make_row,
    tree,
    users,
)
from langso.surveys.services.forms import shipped_forms_publish
from langso.surveys.services.teams import digital_team_create

__all__ = ["definitions", "demo_like", "tree", "users"]

# Bounds that keep the crawl of every role well under a minute on either database while
# reaching each role's daily pages (home → province → commune → village → its checklist
# → that page's breadcrumb is six links deep). More rows of a list add pages of a kind
# already opened: a route is opened at most PER_ROUTE times with one set of query
# parameters, more than the data's ten units, so that every unit's page and the buttons
# on it are tried by every role.
MAX_PAGES = 300
MAX_DEPTH = 6
PER_ROUTE = 12
# Not pages a person opens from a link: files and tiles the pages load themselves, the
# admin site (its own navigation, for superusers only), and signing out (a POST form).
SKIPPED_PREFIXES = ("/static/", "/admin/", "/media/", "/i18n/", "/tai-khoan/dang-xuat/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(html: str) -> Iterator[str]:
    parser = _Links()
    parser.feed(html)
    yield from parser.hrefs


def _route(url: str) -> str:
    """What a page is an instance of: its route and the names of its query parameters."""
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        return url
    names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return f"{route}?{'&'.join(names)}"


def _same_site(base: str, href: str) -> str | None:
    """The path and query of `href` (read on `base`) when it is a page of this site."""
    parts = urlsplit(urljoin(f"http://testserver{base}", href.strip()))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


@dataclass(frozen=True)
class Page:
    """A page the crawl opened: where, the link that led to it, and its answer."""

    url: str
    found_on: str
    response: HttpResponseBase


def crawl(client: Client) -> Iterator[Page]:
    """Every page reachable by links from `/`, as a person clicking would open them.
    A page answering 4xx/5xx is not read for links, nor are downloads (`?format=`)."""
    seen = {"/"}
    per_route: Counter[str] = Counter()
    queue: deque[tuple[str, int, str]] = deque([("/", 0, "(start)")])
    opened = 0
    while queue and opened < MAX_PAGES:
        url, depth, found_on = queue.popleft()
        response = client.get(url)
        opened += 1
        yield Page(url, found_on, response)
        if response.status_code >= 400:
            continue
        targets: list[str] = []
        if response.status_code in (301, 302, 303, 307, 308):
            targets = [response["Location"]]
        elif depth < MAX_DEPTH and "format=" not in url and is_html(response):
            targets = list(_links(body(response).decode()))
        for href in targets:
            target = _same_site(url, href)
            if target is None or target in seen:
                continue
            seen.add(target)
            route = _route(target)
            if per_route[route] < PER_ROUTE:
                per_route[route] += 1
                queue.append((target, depth + 1, url))


def is_html(response: HttpResponseBase) -> bool:
    return str(response.get("Content-Type", "")).startswith("text/html")


def body(response: HttpResponseBase) -> bytes:
    """The whole content of a page or a download, streamed or not."""
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response)
    assert isinstance(response, HttpResponse)
    return response.content


@pytest.fixture
def demo_like(definitions: None, tree: RegistryTree, users: RegistryUsers) -> dict[str, Client]:
    """Demo-like data, and a signed-in client for each demo role (and one anonymous)."""
    criteria_catalogue_load()
    criteria_catalogue_load(path=DEMO, province=tree.province)
    procedures_load()
    # Another province, whose pages every role but the central admin's can open from
    # the national list but whose data lies outside their scope.
    make_unit_tree(
        province_code="01", province_name="Thành phố Hà Nội", communes=1, villages_per_commune=1
    )
    for village, members in ((tree.a1, 3), (tree.a2, 4), (tree.b1, 2)):
        create_household(actor=users.province_officer, village=village, members=members, adults=2)
    for spec in ALL_SPECS:
        make_row(spec, unit=tree.a1)
    shipped_forms_publish(actor=users.central_admin)
    digital_team_create(
        actor=users.officer_a,
        village=tree.a1,
        name="Tổ công nghệ số thôn 1",
        members=[users.digital_team_a],
    )
    work_records_report(actor=users.officer_a, commune=tree.a)
    # Issue 17: the seed plans on the province (its targets, their pages and forms).
    seed_plans_load(province=tree.province)
    cooperative_manager = make_role_holder(Role.COOPERATIVE_MANAGER, tree.a, "quanly.htx")
    clients = {
        "central admin": client_for(users.central_admin),
        "province officer": client_for(users.province_officer),
        "commune officer": client_for(users.officer_a),
        "village head": client_for(users.village_head_a1),
        "digital team member": client_for(users.digital_team_a),
        "cooperative manager": client_for(cooperative_manager),
        "anonymous": Client(),
    }
    for client in clients.values():
        # A 500 is reported with the link that led to it, not raised mid-crawl.
        client.raise_request_exception = False
    return clients
