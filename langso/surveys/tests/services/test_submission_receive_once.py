"""Two first POSTs of one instance at once (ODK Collect retrying a slow answer, "send"
tapped twice): the second, whose lookup missed the first's submission, is answered as a
resend of it (the same submission, only its new files added, a 409 for another body)
and keeps nothing of what it wrote before it lost. Simulated on both databases by making
the lookup miss once while the first's submission is stored; the real race, on
PostgreSQL, is in views/test_openrosa_simultaneous.py."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from langso.places.testing import UnitTree
from langso.registry.models import Household
from langso.surveys.models import Submission, Visit
from langso.surveys.openrosa import SubmissionInvalid
from langso.surveys.services.forms import form_publish, shipped_forms_publish
from langso.surveys.services.instances import Received
from langso.surveys.services.submissions import submission_receive
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import FormUsers

from ..forms_testing import (
    household_instance,
    instance_submission,
    markdown_form,
    submission_edit,
    submission_other_body,
)
from ..race_testing import next_lookup_misses

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(users: FormUsers, tree: UnitTree) -> bytes:
    """An instance of a published form, as its collector sends it."""
    version = form_publish(
        actor=users.officer_a, name="f.md", data=markdown_form(), unit=tree.communes[0]
    )
    xml, _instance_id = instance_submission(version.xform)
    return xml


def _receive(users: FormUsers, xml: bytes, *names: str, incomplete: bool = False) -> Received:
    files = [SimpleUploadedFile(name, name.encode()) for name in names]
    return submission_receive(
        collector=users.team_member_a, xml=xml, files=files, incomplete=incomplete
    )


@pytest.mark.parametrize(
    ("names", "incomplete", "new", "stored"),
    [
        (("a.jpg",), True, False, ["a.jpg"]),
        (("a.jpg", "b.jpg"), False, True, ["a.jpg", "b.jpg"]),
    ],
    ids=["the-same-post", "with-a-file-more"],
)
def test_the_second_of_two_first_posts_is_answered_as_a_resend(
    users: FormUsers,
    sent: bytes,
    monkeypatch: pytest.MonkeyPatch,
    names: tuple[str, ...],
    incomplete: bool,
    new: bool,
    stored: list[str],
) -> None:
    """The lookup missed, the insert meets the first's submission: the answer is the
    resend's, with the same submission, new only when it brought a file not stored
    yet, its files added to the first's, and what it says of completeness kept."""
    first = _receive(users, sent, "a.jpg", incomplete=True)
    looked = next_lookup_misses(monkeypatch)
    second = _receive(users, sent, *names, incomplete=incomplete)
    assert looked == [first.submission.instance_id] * 2  # missed, then found after the insert
    assert second.submission.pk == first.submission.pk
    assert second.new is new
    submission = Submission.objects.get()
    assert sorted(submission.attachments.values_list("name", flat=True)) == stored
    assert submission.is_complete is not incomplete


def test_another_body_under_the_same_instance_id_is_a_409_that_writes_nothing(
    users: FormUsers, sent: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loser of the race with another body is refused as a resend of it would be,
    and adds none of its files to the winner's submission."""
    first = _receive(users, sent, "a.jpg", incomplete=True)
    next_lookup_misses(monkeypatch)
    with pytest.raises(SubmissionInvalid) as refused:
        _receive(users, submission_other_body(sent), "b.jpg")
    assert refused.value.status == 409
    assert first.submission.instance_id in refused.value.message
    submission = Submission.objects.get()
    assert list(submission.attachments.values_list("name", flat=True)) == ["a.jpg"]
    assert not submission.is_complete


def test_an_edit_sent_twice_at_once_is_a_resend_not_a_second_edit(
    users: FormUsers, sent: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loser of two POSTs of one edit finds the original replaced (by the winner,
    which is the same instance): a resend, not the 409 of a second edit."""
    _receive(users, sent)
    edit, edit_id = submission_edit(sent)
    _receive(users, edit)
    next_lookup_misses(monkeypatch)
    again = _receive(users, edit)
    assert (again.submission.instance_id, again.new) == (edit_id, False)
    assert Submission.objects.count() == 2
    assert Submission.objects.get(replaces__isnull=False).instance_id == edit_id


def test_a_failure_that_leaves_the_instance_unstored_is_not_taken_for_a_resend(
    users: FormUsers, sent: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the instance found stored after the failure makes it a resend: an insert
    refused while the lookup still finds nothing is raised as it came."""
    _receive(users, sent)
    monkeypatch.setattr(
        "langso.surveys.services.instances.submission_stored", lambda **_lookup: None
    )
    with pytest.raises(IntegrityError):
        _receive(users, sent)


def test_the_loser_keeps_nothing_it_wrote_before_its_insert(
    tree: UnitTree, users: FormUsers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A household found in the field, sent twice at once: the loser had added the
    household again before its insert failed; that household, and nothing else of its,
    is kept: one household, one visit, one submission."""
    shipped_forms_publish(actor=users.central_admin)
    village = tree.villages_of(tree.communes[0])[0]
    digital_team_create(
        actor=users.officer_a, village=village, name="Tổ thôn 1", members=[users.team_member_a]
    )
    xml = household_instance(
        uuid="n1",
        values={"members": 5, "adults": 4, "adults_smartphone": 3},
        new_household={"village": village.code, "head_name": "Lê Văn Cường"},
    )
    first = _receive(users, xml)
    looked = next_lookup_misses(monkeypatch)
    second = _receive(users, xml)
    assert len(looked) == 2
    assert (second.submission.pk, second.new) == (first.submission.pk, False)
    assert Household.objects.filter(head_name="Lê Văn Cường").count() == 1
    assert Visit.objects.count() == 1
    assert Submission.objects.count() == 1
