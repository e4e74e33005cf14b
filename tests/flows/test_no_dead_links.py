"""No dead links (issue 15): signed in as each demo role, every page reachable by links
from the home page answers; a button or breadcrumb that leads to a 404 or a 403 is a
defect of the page that shows it, and a 500 is a defect of the page it leads to.

The crawl (tests/flows/crawling.py) starts at `/`, follows every same-site `<a href>`
breadth-first (GET only, as a person clicking), to a bounded depth and number of pages
per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from .crawling import Page, crawl, definitions, demo_like, tree, users

__all__ = ["definitions", "demo_like", "tree", "users"]


@dataclass(frozen=True)
class DeadLink:
    url: str
    status: int
    found_on: str
    error: str

    @classmethod
    def of(cls, page: Page) -> DeadLink:
        exc_info = getattr(page.response, "exc_info", None)
        error = repr(exc_info[1]) if exc_info else ""
        return cls(page.url, page.response.status_code, page.found_on, error)

    def __str__(self) -> str:
        error = f" ({self.error})" if self.error else ""
        return f"{self.url} → {self.status}{error}, linked from {self.found_on}"


def test_no_link_from_any_roles_home_leads_to_an_error(demo_like: dict[str, Client]) -> None:
    """Each role, from the home page, opens every page it can reach by links: none
    answers 4xx or 5xx. The failure lists every dead link with the page that shows it."""
    report: list[str] = []
    for role, client in demo_like.items():
        pages = list(crawl(client))
        assert len(pages) > 1, f"{role}: the home page links to nothing"
        report += [
            f"{role}: {DeadLink.of(page)}" for page in pages if page.response.status_code >= 400
        ]
    assert not report, "Dead links:\n" + "\n".join(report)
