"""Edits (meta/deprecatedID) and instance ids as the OpenRosa server takes them: an
instance id is the form's own (ODK keys it per form); an edit supersedes only a
submission within the collector's reach, and only one edit supersedes a submission.
Refusals are OpenRosa 409s, kept in RefusedSubmission, and reveal nothing of other
forms or other communes."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.core.db import capabilities
from langso.places.testing import UnitTree
from langso.surveys.models import RefusedSubmission, Submission
from langso.surveys.services.forms import form_publish
from langso.surveys.services.submissions import submission_receive
from langso.surveys.testing import FormUsers

from ..forms_testing import collector_client, markdown_form, submission_post

pytestmark = pytest.mark.django_db


def _instance(uuid: str, *, form_id: str = "khao_sat_thu", name: str = "An", **meta: str) -> bytes:
    extra = "".join(f"<{tag}>{value}</{tag}>" for tag, value in meta.items())
    return (
        f'<data id="{form_id}" version="1"><ten>{name}</ten><so_nguoi>4</so_nguoi>'
        f"<meta><instanceID>uuid:{uuid}</instanceID>{extra}</meta></data>"
    ).encode()


@pytest.fixture
def nationwide(users: FormUsers) -> None:
    """Two forms filled everywhere, so that collectors of both communes send to them."""
    form_publish(actor=users.central_admin, name="q.md", data=markdown_form(), unit=None)
    form_publish(
        actor=users.central_admin,
        name="k.md",
        data=markdown_form(form_id="khao_sat_khac"),
        unit=None,
    )


@pytest.fixture
def collector_b(tree: UnitTree) -> User:
    user = make_user(username="tocongnghe.b")
    make_role(user=user, role=Role.DIGITAL_TEAM_MEMBER, unit=tree.communes[1])
    return user


def _assert_openrosa_409(response: Any) -> None:
    assert response.status_code == 409
    assert response["X-OpenRosa-Version"] == "1.0"
    assert b"<OpenRosaResponse" in response.content
    assert b'nature="error"' in response.content


def test_a_second_edit_of_an_edited_submission_is_a_409_kept_for_inspection(
    nationwide: None, users: FormUsers
) -> None:
    """Only the newest version of a submission may be edited: an edit naming one already
    replaced is refused with an OpenRosa 409 that says so, kept in RefusedSubmission,
    and the first edit stays the replacement."""
    client = collector_client(users.team_member_a)
    assert submission_post(client, _instance("1")).status_code == 201
    assert submission_post(client, _instance("2", deprecatedID="uuid:1")).status_code == 201
    second = submission_post(client, _instance("3", name="Bình", deprecatedID="uuid:1"))
    _assert_openrosa_409(second)
    assert "uuid:1" in second.content.decode()
    refused = RefusedSubmission.objects.get()
    assert (refused.instance_id, refused.collector) == ("uuid:3", users.team_member_a)
    assert "Bình" in refused.xml
    assert not Submission.objects.filter(instance_id="uuid:3").exists()
    original = Submission.objects.get(instance_id="uuid:1")
    assert original.replaced_by.instance_id == "uuid:2"


@pytest.mark.django_db(transaction=True)
def test_two_edits_racing_for_one_original(nationwide: None, users: FormUsers) -> None:
    """Two different edits of the same original at once: the second waits for the
    first's lock on the original, then finds it replaced and answers 409."""
    if not capabilities().row_locks:
        pytest.skip("SQLite lets one writer in at a time: two edits cannot interleave")
    client = collector_client(users.team_member_a)
    assert submission_post(client, _instance("1")).status_code == 201
    answers: dict[str, Any] = {}

    def send_second_edit() -> None:
        try:
            answers["second"] = submission_post(client, _instance("3", deprecatedID="uuid:1"))
        finally:
            connection.close()

    with transaction.atomic():
        submission_receive(
            collector=users.team_member_a, xml=_instance("2", deprecatedID="uuid:1"), files=[]
        )
        racer = threading.Thread(target=send_second_edit)
        racer.start()
        racer.join(timeout=1)
        # Still waiting: the first edit holds the original until it commits.
        assert racer.is_alive()
    racer.join(timeout=60)
    _assert_openrosa_409(answers["second"])
    assert RefusedSubmission.objects.get().instance_id == "uuid:3"
    assert Submission.objects.get(instance_id="uuid:1").replaced_by.instance_id == "uuid:2"


def test_an_edit_of_another_communes_submission_answers_as_an_unknown_one(
    nationwide: None, users: FormUsers, collector_b: User
) -> None:
    """A collector of commune B cannot supersede what commune A's team sent: the answer
    is the one for an id that does not exist, and A's submission stays current."""
    assert submission_post(collector_client(users.team_member_a), _instance("1")).status_code == 201
    client_b = collector_client(collector_b)
    out_of_reach = submission_post(client_b, _instance("2", deprecatedID="uuid:1"))
    unknown = submission_post(client_b, _instance("3", deprecatedID="uuid:9"))
    _assert_openrosa_409(out_of_reach)
    assert out_of_reach.content == unknown.content.replace(b"uuid:9", b"uuid:1")
    assert not Submission.objects.filter(replaces__isnull=False).exists()
    assert Submission.objects.count() == 1
    assert RefusedSubmission.objects.count() == 2


def test_a_collector_edits_their_own_submission(nationwide: None, users: FormUsers) -> None:
    """Within reach, an edit supersedes its original as before."""
    client = collector_client(users.team_member_a)
    submission_post(client, _instance("1"))
    assert submission_post(client, _instance("2", deprecatedID="uuid:1")).status_code == 201
    assert Submission.objects.get(instance_id="uuid:2").replaces.instance_id == "uuid:1"  # type: ignore[union-attr]


def test_an_instance_id_is_the_forms_own(
    nationwide: None, users: FormUsers, collector_b: User
) -> None:
    """The same instanceID sent to another form, by anyone, is a new submission of that
    form; sent again to the same form it is recognised (202), and with another body it
    is a 409."""
    client_a = collector_client(users.team_member_a)
    assert submission_post(client_a, _instance("1")).status_code == 201
    other_form = submission_post(
        collector_client(collector_b), _instance("1", form_id="khao_sat_khac", name="Bình")
    )
    assert other_form.status_code == 201
    assert sorted(Submission.objects.values_list("version__form__xml_form_id", "instance_id")) == [
        ("khao_sat_khac", "uuid:1"),
        ("khao_sat_thu", "uuid:1"),
    ]
    assert submission_post(client_a, _instance("1")).status_code == 202
    _assert_openrosa_409(submission_post(client_a, _instance("1", name="Chi")))


def test_refusals_reveal_nothing_of_ids_in_other_forms(
    nationwide: None, users: FormUsers, collector_b: User
) -> None:
    """An edit naming an id that exists only in another form is answered as an edit of
    an id that exists nowhere."""
    submission_post(collector_client(users.team_member_a), _instance("1"))
    client_b = collector_client(collector_b)
    elsewhere = submission_post(
        client_b, _instance("2", form_id="khao_sat_khac", deprecatedID="uuid:1")
    )
    nowhere = submission_post(
        client_b, _instance("3", form_id="khao_sat_khac", deprecatedID="uuid:9")
    )
    _assert_openrosa_409(elsewhere)
    assert elsewhere.content == nowhere.content.replace(b"uuid:9", b"uuid:1")
    assert Submission.objects.count() == 1
