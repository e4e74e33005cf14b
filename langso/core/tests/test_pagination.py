"""Keyset pagination visits every row once, newest first, with no OFFSET."""

from __future__ import annotations

import pytest
from django.db.models import F

from langso.core.models import Job
from langso.core.pagination import OneOf, keyset_page

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


def test_a_pinned_column_changes_nothing_in_the_pages() -> None:
    """Ordering first by a column the filter holds to one value gives the same pages."""
    for kind in ("a", "b") * 12:
        Job.objects.create(kind=kind)
    jobs = Job.objects.filter(kind="a")
    after = None
    while True:
        plain = keyset_page(jobs, after=after, limit=5)
        pinned = keyset_page(
            Job.objects.filter(OneOf(F("kind"), ["a"])), after=after, limit=5, pinned="kind"
        )
        assert [j.pk for j in pinned.rows] == [j.pk for j in plain.rows]
        assert pinned.next_after == plain.next_after
        after = plain.next_after
        if after is None:
            break


def test_one_of_keeps_the_listed_values() -> None:
    for kind in ("a", "b", "c"):
        Job.objects.create(kind=kind)
    kept = Job.objects.filter(OneOf(F("kind"), ["a", "c"])).values_list("kind", flat=True)
    assert sorted(kept) == ["a", "c"]
    assert list(Job.objects.filter(OneOf(F("kind"), []))) == []
