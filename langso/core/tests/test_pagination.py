"""Keyset pagination visits every row once, newest first, with no OFFSET."""

from __future__ import annotations

import pytest

from langso.core.models import Job
from langso.core.pagination import keyset_page

pytestmark = pytest.mark.django_db


def test_pages_cover_every_row_once_newest_first() -> None:
    """Following `next_after` from the first page reaches every row exactly once."""
    ids = [Job.objects.create(kind="k").pk for _ in range(23)]
    seen: list[int] = []
    after = None
    while True:
        page = keyset_page(Job.objects.all(), after=after, limit=10)
        seen += [job.pk for job in page.rows]
        after = page.next_after
        if after is None:
            break
    assert seen == sorted(ids, reverse=True)


def test_an_exact_last_page_has_no_next() -> None:
    for _ in range(10):
        Job.objects.create(kind="k")
    assert keyset_page(Job.objects.all(), after=None, limit=10).next_after is None
    assert keyset_page(Job.objects.none(), after=None, limit=10).rows == []
