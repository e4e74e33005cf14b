"""Who sees a submission that names no existing household: a new household's, waiting
for approval or refused for its values, is seen where the village it names lies (and by
its collector); one that names no village is placed where its collector collects, or,
when that is not one unit, seen by its collector and by whoever covers the form's unit.
List, page, raw XML and attachments alike; anything else answers as if it did not
exist."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.core.errors import NotFound
from langso.places.testing import UnitTree
from langso.surveys.models import EntityState, Submission
from langso.surveys.selectors import submission_get_for_user, submission_list_for_user
from langso.surveys.services.forms import form_publish, form_settings_set, shipped_forms_publish
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import FormUsers

from ..forms_testing import collector_client, household_instance, markdown_form, submission_post

pytestmark = pytest.mark.django_db

VALUES: dict[str, object] = {"members": 5, "adults": 4}


@dataclass
class Sent:
    """The submissions, by what they name, and everyone who might look at them."""

    new_pending: Submission
    new_invalid: Submission
    plain_in_commune: Submission
    plain_nowhere: Submission
    viewers: dict[str, User]


def _plain(uuid: str) -> bytes:
    return (
        f'<data id="khao_sat_thu" version="1"><ten>Đỗ Văn Giang</ten><so_nguoi>4</so_nguoi>'
        f"<meta><instanceID>uuid:{uuid}</instanceID></meta></data>"
    ).encode()


@pytest.fixture
def sent(tree: UnitTree, users: FormUsers) -> Sent:
    a, b = tree.communes
    village_1, village_2 = tree.villages_of(a)[:2]

    def holder(username: str, role: str, *units: object) -> User:
        user = make_user(username=username)
        for unit in units:
            make_role(user=user, role=role, unit=unit)
        return user

    viewers = {
        "central admin": users.central_admin,
        "province officer": users.province_officer,
        "officer of commune A": users.officer_a,
        "officer of commune B": users.officer_b,
        "collector (team of village 1, A)": users.team_member_a,
        "team member of commune A": holder("tocongnghe.a2", Role.DIGITAL_TEAM_MEMBER, a),
        "head of village 1": holder("truongthon.1", Role.VILLAGE_HEAD, village_1),
        "head of village 2": holder("truongthon.2", Role.VILLAGE_HEAD, village_2),
        "team member of commune B": holder("tocongnghe.b", Role.DIGITAL_TEAM_MEMBER, b),
        "collector in A and B": holder("tocongnghe.ab", Role.DIGITAL_TEAM_MEMBER, a, b),
    }
    (household_form,) = shipped_forms_publish(actor=users.central_admin)
    form_settings_set(
        actor=users.central_admin,
        form=household_form.form,
        is_open=True,
        counts_before_approval=False,
    )
    form_publish(actor=users.central_admin, name="q.md", data=markdown_form(), unit=None)
    digital_team_create(
        actor=users.officer_a, village=village_1, name="Tổ thôn 1", members=[users.team_member_a]
    )
    collector = collector_client(users.team_member_a)

    def new_household(uuid: str, values: dict[str, object], head: str) -> Submission:
        xml = household_instance(
            uuid=uuid,
            values=values,
            new_household={"village": village_1.code, "head_name": head, "house_number": "7"},
        )
        assert submission_post(collector, xml, ("nha.jpg", b"JPEG")).status_code == 201
        return Submission.objects.get(instance_id=f"uuid:{uuid}")

    new_pending = new_household("n1", VALUES, "Lê Văn Cường")
    new_invalid = new_household("n2", VALUES | {"members": "năm"}, "Hà Thị Duyên")
    assert (new_pending.entity_state, new_invalid.entity_state) == (
        EntityState.PENDING,
        EntityState.INVALID,
    )
    assert submission_post(collector, _plain("p1"), ("anh.jpg", b"JPEG")).status_code == 201
    roamer = collector_client(viewers["collector in A and B"])
    assert submission_post(roamer, _plain("p2"), ("anh.jpg", b"JPEG")).status_code == 201
    return Sent(
        new_pending=new_pending,
        new_invalid=new_invalid,
        plain_in_commune=Submission.objects.get(instance_id="uuid:p1"),
        plain_nowhere=Submission.objects.get(instance_id="uuid:p2"),
        viewers=viewers,
    )


# Who sees what: "village 1" for a new household there, "commune A" for a plain
# submission of a collector who collects in commune A alone, "nowhere" for one whose
# collector collects in two communes, on a nationwide form.
SEES = {
    "central admin": {"village 1", "commune A", "nowhere"},
    "province officer": {"village 1", "commune A"},
    "officer of commune A": {"village 1", "commune A"},
    "officer of commune B": set(),
    "collector (team of village 1, A)": {"village 1", "commune A"},
    "team member of commune A": {"village 1", "commune A"},
    "head of village 1": {"village 1"},
    "head of village 2": set(),
    "team member of commune B": set(),
    "collector in A and B": {"village 1", "commune A", "nowhere"},
}


def _places(sent: Sent) -> dict[str, list[Submission]]:
    return {
        "village 1": [sent.new_pending, sent.new_invalid],
        "commune A": [sent.plain_in_commune],
        "nowhere": [sent.plain_nowhere],
    }


def test_every_role_sees_exactly_the_submissions_of_its_subtree(sent: Sent) -> None:
    """The list and the one-submission selector agree, role by role; out of reach is
    NotFound, as for an id that does not exist."""
    assert set(SEES) == set(sent.viewers)
    for name, viewer in sent.viewers.items():
        expected = {s.pk for place in SEES[name] for s in _places(sent)[place]}
        listed = set(submission_list_for_user(user=viewer).values_list("pk", flat=True))
        assert listed == expected, name
        for place, submissions in _places(sent).items():
            for submission in submissions:
                if place in SEES[name]:
                    assert (
                        submission_get_for_user(user=viewer, pk=submission.pk).pk == submission.pk
                    )
                else:
                    with pytest.raises(NotFound):
                        submission_get_for_user(user=viewer, pk=submission.pk)


def test_pages_show_raw_xml_and_attachments_only_within_reach(sent: Sent, client: Client) -> None:
    """The list links, and the page shows the raw XML (the head's name, typed only
    there) and the attachments, to those who may see the submission; to anyone else the
    page is 404 and shows neither."""
    heads = {
        sent.new_pending.pk: "Lê Văn Cường",
        sent.new_invalid.pk: "Hà Thị Duyên",
        sent.plain_in_commune.pk: "Đỗ Văn Giang",
        sent.plain_nowhere.pk: "Đỗ Văn Giang",
    }
    for name, viewer in sent.viewers.items():
        client.force_login(viewer)
        listing = client.get(reverse("surveys:submission-list")).content.decode()
        for place, submissions in _places(sent).items():
            for submission in submissions:
                url = reverse("surveys:submission-detail", args=[submission.pk])
                page = client.get(url)
                body = page.content.decode()
                if place in SEES[name]:
                    assert url in listing, (name, place)
                    assert page.status_code == 200, (name, place)
                    assert heads[submission.pk] in body, (name, place)
                    assert submission.attachments.get().name in body, (name, place)
                else:
                    assert url not in listing, (name, place)
                    assert page.status_code == 404, (name, place)
                    assert heads[submission.pk] not in body, (name, place)


def test_a_new_household_refused_for_its_values_still_names_its_village(sent: Sent) -> None:
    """Values the registry could not read do not lose where the household was found:
    the submission is placed in that village, like one waiting for approval."""
    for submission in (sent.new_pending, sent.new_invalid):
        submission.refresh_from_db()
        assert submission.village is not None
        assert (submission.province_id, submission.commune_id) == (
            submission.village.province_id,
            submission.village.commune_id,
        )
