"""Two POSTs of one instance at the same time, each in a thread and a database connection
of its own, as ODK Collect retrying a slow answer or "send" tapped on two phones make
them: never a 500, one submission, and the second answered as a resend of the first.
PostgreSQL only: SQLite lets one writer in at a time from the start of its transaction,
so that two POSTs cannot interleave there (services/test_submission_receive_once.py
simulates the race on both databases)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from langso.core.db import capabilities
from langso.surveys.models import FormVersion, RefusedSubmission, Submission
from langso.surveys.testing import FormUsers

from ..forms_testing import (
    collector_client,
    instance_submission,
    submission_edit,
    submission_other_body,
    submission_post,
)
from ..race_testing import at_once, lookups_meet

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not capabilities().row_locks,
        reason="SQLite serialises writers from BEGIN: two POSTs cannot interleave",
    ),
]


def _posts(client: Client, *bodies: tuple[bytes, tuple[tuple[str, bytes], ...]]) -> list[Any]:
    """POST each body (XML and files) at once, each from a client of its own signed in
    as `client` is (a test client is not shared between threads)."""
    credentials = client.defaults["HTTP_AUTHORIZATION"]

    def post(xml: bytes, files: tuple[tuple[str, bytes], ...]) -> Callable[[], Any]:
        return lambda: submission_post(Client(HTTP_AUTHORIZATION=credentials), xml, *files)

    return at_once(*(post(xml, files) for xml, files in bodies))


@pytest.mark.parametrize(
    ("other_body", "statuses", "refused"),
    [(False, [201, 202], 0), (True, [201, 409], 1)],
    ids=["the-same-post", "another-body"],
)
def test_two_first_posts_at_once_store_one_submission(
    published: FormVersion,
    users: FormUsers,
    monkeypatch: pytest.MonkeyPatch,
    other_body: bool,
    statuses: list[int],
    refused: int,
) -> None:
    """Both requests find the instance not stored (they meet after the lookup), both
    insert it: the second waits for the first to commit and is answered as its resend
    (202, or 409 for another body) instead of failing on the unique constraint."""
    client = collector_client(users.team_member_a)
    xml, _instance_id = instance_submission(published.xform)
    second = submission_other_body(xml) if other_body else xml
    lookups_meet(monkeypatch, parties=2)
    answers = _posts(client, (xml, (("a.jpg", b"A"),)), (second, (("a.jpg", b"A"),)))
    assert sorted(answer.status_code for answer in answers) == statuses
    submission = Submission.objects.get()
    assert list(submission.attachments.values_list("name", flat=True)) == ["a.jpg"]
    assert RefusedSubmission.objects.count() == refused


def test_an_edit_sent_twice_at_once_replaces_its_original_once(
    published: FormVersion, users: FormUsers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second POST of the edit waits for the first's lock on the original and finds
    it replaced, by the same instance: a resend (202), not the 409 of a second edit."""
    client = collector_client(users.team_member_a)
    xml, _instance_id = instance_submission(published.xform)
    assert submission_post(client, xml).status_code == 201
    edit, edit_id = submission_edit(xml)
    lookups_meet(monkeypatch, parties=2)
    answers = _posts(client, (edit, ()), (edit, ()))
    assert sorted(answer.status_code for answer in answers) == [201, 202]
    assert Submission.objects.get(replaces__isnull=False).instance_id == edit_id
    assert Submission.objects.count() == 2
    assert not RefusedSubmission.objects.exists()


def test_two_posts_of_the_same_new_file_store_it_once(
    published: FormVersion, users: FormUsers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rest of an incomplete submission sent twice at once (they meet before the
    lookup): the second waits for the first's lock on the submission, then finds the
    file stored (202) instead of failing on `submission_file_unique`."""
    client = collector_client(users.team_member_a)
    xml, _instance_id = instance_submission(published.xform)
    part = submission_post(client, xml, ("a.jpg", b"A"), **{"*isIncomplete*": "yes"})
    assert part.status_code == 201
    lookups_meet(monkeypatch, parties=2, before=True)
    rest = (("a.jpg", b"A"), ("b.jpg", b"B"))
    answers = _posts(client, (xml, rest), (xml, rest))
    assert sorted(answer.status_code for answer in answers) == [201, 202]
    submission = Submission.objects.get()
    assert sorted(submission.attachments.values_list("name", flat=True)) == ["a.jpg", "b.jpg"]
    assert submission.is_complete
