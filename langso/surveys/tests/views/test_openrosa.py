"""The OpenRosa server as ODK Collect meets it: Basic sign-in with the app password,
the form list and manifest of the collector's forms, the households of their villages
only, and submissions that are idempotent, split across POSTs, or refused with the
right status and nothing half-written."""

from __future__ import annotations

import base64
import csv
import io

import pytest
from defusedxml import ElementTree
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from langso.accounts.tests.factories import PASSWORD
from langso.places.testing import UnitTree
from langso.registry.models import Household
from langso.registry.testing import make_household
from langso.surveys.models import FormVersion, RefusedSubmission, Submission
from langso.surveys.openrosa import FORM_LIST_NS, MANIFEST_NS
from langso.surveys.services.collectors import collector_credential_issue
from langso.surveys.services.forms import (
    form_attachment_upload,
    form_publish,
    form_settings_set,
)
from langso.surveys.testing import FormUsers

from ..forms_testing import (
    HOUSEHOLD_LIST_FORM,
    collector_client,
    form_row,
    markdown_form,
    submission_post,
    with_secondary_instance,
    xform_document,
)

pytestmark = pytest.mark.django_db


def _instance(
    form_id: str = "khao_sat_thu", version: str = "1", uuid: str = "1", **meta: str
) -> bytes:
    extra = "".join(f"<{name}>{value}</{name}>" for name, value in meta.items())
    return (
        f'<data id="{form_id}" version="{version}"><ten>An</ten><so_nguoi>4</so_nguoi>'
        f"<meta><instanceID>uuid:{uuid}</instanceID>{extra}</meta></data>"
    ).encode()


def test_sign_in_is_basic_with_the_app_password(published: FormVersion, users: FormUsers) -> None:
    anonymous = Client().get(reverse("openrosa:form-list"))
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Basic ")
    assert anonymous["X-OpenRosa-Version"] == "1.0"
    collector_credential_issue(actor=users.team_member_a)
    wrong = base64.b64encode(b"tocongnghe.a:not-the-token").decode()
    assert (
        Client(HTTP_AUTHORIZATION=f"Basic {wrong}").get(reverse("openrosa:form-list")).status_code
        == 401
    )


def test_repeated_wrong_app_passwords_are_answered_429_with_retry_after(
    published: FormVersion, users: FormUsers
) -> None:
    """After five wrong app passwords for one account even the right one is refused with
    429, Retry-After in seconds and the time in Vietnamese; the owner's web sign-in,
    counted apart, is not locked by a phone sending an old password."""
    token = collector_credential_issue(actor=users.team_member_a)

    def basic(secret: str) -> Client:
        encoded = base64.b64encode(f"tocongnghe.a:{secret}".encode()).decode()
        return Client(HTTP_AUTHORIZATION=f"Basic {encoded}")

    for _attempt in range(5):
        assert basic("cu").get(reverse("openrosa:form-list")).status_code == 401
    refused = basic(token).get(reverse("openrosa:form-list"))
    assert refused.status_code == 429
    assert 14 * 60 < int(refused["Retry-After"]) <= 15 * 60
    assert refused["X-OpenRosa-Version"] == "1.0"
    assert "Thử lại sau 15 phút" in refused.content.decode()
    web = Client().post(
        reverse("accounts:login"), {"username": "tocongnghe.a", "password": PASSWORD}
    )
    assert web.status_code == 302


def test_the_form_list_holds_the_collectors_open_forms(
    tree: UnitTree, users: FormUsers, published: FormVersion
) -> None:
    other = form_publish(
        actor=users.officer_b,
        name="b.md",
        data=markdown_form(form_id="xa_b"),
        unit=tree.communes[1],
    )
    national = form_publish(
        actor=users.central_admin, name="q.md", data=markdown_form(form_id="qg"), unit=None
    )
    form_settings_set(
        actor=users.central_admin, form=national.form, is_open=False, counts_before_approval=True
    )
    listing = collector_client(users.team_member_a).get(reverse("openrosa:form-list"))
    body = listing.content.decode()
    assert listing["Content-Type"].startswith("text/xml")
    assert "<formID>khao_sat_thu</formID>" in body
    assert published.xform_hash in body
    assert "manifestUrl" in body
    assert other.form.xml_form_id not in body
    assert "<formID>qg</formID>" not in body  # closed


def test_download_and_manifest(published: FormVersion, users: FormUsers) -> None:
    client = collector_client(users.team_member_a)
    xform = client.get(reverse("openrosa:form-xml", args=["khao_sat_thu"]))
    assert xform.content.decode() == published.xform
    manifest = client.get(reverse("openrosa:manifest", args=["khao_sat_thu"])).content.decode()
    assert "<filename>nha.png</filename>" in manifest
    image = client.get(reverse("openrosa:media", args=["khao_sat_thu", "nha.png"]))
    assert b"".join(image.streaming_content) == b"PNG"  # type: ignore[attr-defined]
    assert client.get(reverse("openrosa:form-xml", args=["xa_khac"])).status_code == 404


def test_the_households_list_holds_only_the_collectors_villages(
    tree: UnitTree, users: FormUsers
) -> None:
    a, b = tree.communes
    mine = make_household(village=tree.villages_of(a)[0], head_name="Lê Văn Mình", members=4)
    make_household(village=tree.villages_of(b)[0], head_name="Người Xã Khác")
    form_publish(actor=users.officer_a, name="h.md", data=HOUSEHOLD_LIST_FORM, unit=a)
    client = collector_client(users.team_member_a)
    manifest = client.get(reverse("openrosa:manifest", args=["chon_ho"])).content.decode()
    assert "<filename>households.csv</filename>" in manifest
    body = client.get(reverse("openrosa:media", args=["chon_ho", "households.csv"])).content
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [row["name"] for row in rows] == [mine.address_code]
    assert rows[0]["label"].startswith(mine.address_code)
    assert rows[0]["members"] == "4"
    assert int(rows[0]["__version"]) > 0
    assert Household.objects.count() == 2


def test_head_says_how_much_may_be_sent(published: FormVersion, users: FormUsers) -> None:
    answer = collector_client(users.team_member_a).head(reverse("openrosa:submission"))
    assert answer.status_code == 204
    assert int(answer["X-OpenRosa-Accept-Content-Length"]) > 0


def test_a_submission_is_stored_once_however_often_it_is_sent(
    published: FormVersion, users: FormUsers
) -> None:
    client = collector_client(users.team_member_a)
    first = submission_post(client, _instance(), ("anh.jpg", b"JPEG"))
    assert first.status_code == 201
    assert b"OpenRosaResponse" in first.content
    again = submission_post(client, _instance(), ("anh.jpg", b"JPEG"))
    assert again.status_code == 202
    submission = Submission.objects.get()
    assert submission.attachments.count() == 1
    assert submission.collector == users.team_member_a
    assert 'version="1"' in submission.xml


def test_attachments_split_across_posts(published: FormVersion, users: FormUsers) -> None:
    client = collector_client(users.team_member_a)
    part = submission_post(client, _instance(), ("a.jpg", b"A"), **{"*isIncomplete*": "yes"})
    assert part.status_code == 201
    assert not Submission.objects.get().is_complete
    rest = submission_post(client, _instance(), ("a.jpg", b"A"), ("b.jpg", b"B"))
    assert rest.status_code == 201
    submission = Submission.objects.get()
    assert submission.is_complete
    assert sorted(submission.attachments.values_list("name", flat=True)) == ["a.jpg", "b.jpg"]


def test_an_edit_replaces_its_predecessor(published: FormVersion, users: FormUsers) -> None:
    client = collector_client(users.team_member_a)
    submission_post(client, _instance(uuid="1"))
    edit = submission_post(client, _instance(uuid="2", deprecatedID="uuid:1"))
    assert edit.status_code == 201
    assert Submission.objects.get(instance_id="uuid:2").replaces == Submission.objects.get(
        instance_id="uuid:1"
    )


@pytest.mark.parametrize(
    ("xml", "files", "status", "kept_xml"),
    [
        (b"<data id='khao_sat_thu'", (), 400, False),
        (b"<data id='khao_sat_thu' version='1'><meta/></data>", (), 400, True),
        (_instance(form_id="khong_co"), (), 404, True),
        (_instance(version="0"), (), 409, True),
        (_instance(), (("virus.exe", b"MZ"),), 415, True),
    ],
    ids=["malformed", "no-instance-id", "unknown-form", "old-version", "bad-attachment"],
)
def test_refusals_answer_openrosa_errors_and_write_nothing(
    published: FormVersion,
    users: FormUsers,
    xml: bytes,
    files: tuple[tuple[str, bytes], ...],
    status: int,
    kept_xml: bool,
) -> None:
    answer = submission_post(collector_client(users.team_member_a), xml, *files)
    assert answer.status_code == status
    assert b'nature="error"' in answer.content
    assert not Submission.objects.exists()
    refused = RefusedSubmission.objects.get()
    assert refused.collector == users.team_member_a
    assert bool(refused.xml) is kept_xml


def test_a_closed_form_and_another_instance_under_a_known_id(
    published: FormVersion, users: FormUsers
) -> None:
    client = collector_client(users.team_member_a)
    submission_post(client, _instance())
    other = _instance().replace(b"<ten>An</ten>", "<ten>Bình</ten>".encode())
    assert submission_post(client, other).status_code == 409
    form_settings_set(
        actor=users.officer_a, form=published.form, is_open=False, counts_before_approval=True
    )
    assert submission_post(client, _instance(uuid="9")).status_code == 403
    assert Submission.objects.count() == 1


def test_a_collector_of_another_commune_cannot_submit(
    tree: UnitTree, users: FormUsers, published: FormVersion
) -> None:
    from langso.accounts.roles import Role
    from langso.accounts.tests.factories import make_role, make_user

    outsider = make_user(username="tocongnghe.b")
    make_role(user=outsider, role=Role.DIGITAL_TEAM_MEMBER, unit=tree.communes[1])
    assert submission_post(collector_client(outsider), _instance()).status_code == 404
    assert not Submission.objects.exists()


def test_a_version_in_the_openrosa_namespace_is_the_forms_version(
    tree: UnitTree, users: FormUsers
) -> None:
    """JavaRosa reads `orx:version` on the primary instance as the form's version: the
    form list announces it and a submission carrying it back is accepted."""
    version = form_publish(
        actor=users.officer_a,
        name="ho.xml",
        data=xform_document(version=None, orx_version="7"),
        unit=tree.communes[0],
    )
    assert version.version == "7"
    form_attachment_upload(
        actor=users.officer_a, attachment=version.attachments.get(), name="nha.png", data=b"PNG"
    )
    client = collector_client(users.team_member_a)
    listing = client.get(reverse("openrosa:form-list")).content.decode()
    assert "<version>7</version>" in listing
    xml = (
        b'<data xmlns:orx="http://openrosa.org/xforms" id="ho_gia_dinh" orx:version="7">'
        b"<so_nguoi>3</so_nguoi><gap_doi>6</gap_doi>"
        b"<orx:meta><orx:instanceID>uuid:orx-1</orx:instanceID></orx:meta></data>"
    )
    answer = submission_post(client, xml)
    assert answer.status_code == 201, answer.content
    assert Submission.objects.get().version == version


@pytest.mark.parametrize(
    "form_id",
    ["du-an.vn:khao/sat thu", "a/media/b", "d" * 200],
    ids=["slash-and-space", "media-in-the-id", "long"],
)
def test_a_form_id_odk_accepts_is_served_under_its_encoded_urls(
    tree: UnitTree, users: FormUsers, form_id: str
) -> None:
    """A form id with "/", a space, or 200 characters is listed, downloaded, its
    manifest and media read through the URLs the form list gives, and submitted to."""
    version = form_publish(
        actor=users.officer_a,
        name="f.md",
        data=markdown_form(form_id=form_id),
        unit=tree.communes[0],
    )
    form_attachment_upload(
        actor=users.officer_a, attachment=version.attachments.get(), name="nha.png", data=b"PNG"
    )
    client = collector_client(users.team_member_a)
    listing = ElementTree.fromstring(client.get(reverse("openrosa:form-list")).content)
    (entry,) = listing.iter(f"{{{FORM_LIST_NS}}}xform")
    assert entry.findtext(f"{{{FORM_LIST_NS}}}formID") == form_id
    download = entry.findtext(f"{{{FORM_LIST_NS}}}downloadUrl") or ""
    assert client.get(download).content.decode() == version.xform
    manifest = ElementTree.fromstring(
        client.get(entry.findtext(f"{{{FORM_LIST_NS}}}manifestUrl") or "").content
    )
    media_url = manifest.findtext(f"{{{MANIFEST_NS}}}mediaFile/{{{MANIFEST_NS}}}downloadUrl")
    image = client.get(media_url or "")
    assert b"".join(image.streaming_content) == b"PNG"  # type: ignore[attr-defined]
    assert submission_post(client, _instance(form_id=form_id)).status_code == 201


def test_a_form_missing_media_is_offered_to_collectors_once_complete(
    tree: UnitTree, users: FormUsers
) -> None:
    """ODK Collect cannot open a form whose media it cannot download: until every file
    is uploaded the form is neither listed nor downloadable."""
    version = form_publish(
        actor=users.officer_a, name="f.md", data=markdown_form(), unit=tree.communes[0]
    )
    client = collector_client(users.team_member_a)
    assert "khao_sat_thu" not in client.get(reverse("openrosa:form-list")).content.decode()
    assert client.get(reverse("openrosa:form-xml", args=["khao_sat_thu"])).status_code == 404
    form_attachment_upload(
        actor=users.officer_a, attachment=version.attachments.get(), name="nha.png", data=b"PNG"
    )
    assert (
        "<formID>khao_sat_thu</formID>"
        in client.get(reverse("openrosa:form-list")).content.decode()
    )
    assert client.get(reverse("openrosa:form-xml", args=["khao_sat_thu"])).status_code == 200


@pytest.mark.parametrize("path", ["danh-muc/xa.csv", "media/xa.csv"])
def test_a_media_file_with_a_path_is_announced_and_served_under_it(
    tree: UnitTree, users: FormUsers, path: str
) -> None:
    """The manifest names the file by the path the form uses (jr://file/danh-muc/xa.csv),
    so that ODK Collect puts it where the form looks, and serves it there."""
    data = with_secondary_instance(xform_document(), f"jr://file/{path}")
    version = form_publish(actor=users.officer_a, name="ho.xml", data=data, unit=tree.communes[0])
    for attachment, body in zip(
        version.attachments.order_by("name"), (b"a\n", b"PNG"), strict=True
    ):
        form_attachment_upload(
            actor=users.officer_a, attachment=attachment, name=attachment.name, data=body
        )
    client = collector_client(users.team_member_a)
    manifest = ElementTree.fromstring(
        client.get(reverse("openrosa:manifest", args=["ho_gia_dinh"])).content
    )
    files = {
        entry.findtext(f"{{{MANIFEST_NS}}}filename"): entry.findtext(
            f"{{{MANIFEST_NS}}}downloadUrl"
        )
        for entry in manifest
    }
    assert set(files) == {path, "nha.png"}
    served = client.get(files[path] or "")
    assert b"".join(served.streaming_content) == b"a\n"  # type: ignore[attr-defined]


def test_the_form_list_costs_the_same_queries_for_twice_the_forms(
    tree: UnitTree,
    users: FormUsers,
    published: FormVersion,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """Two forms with their media files or four: ODK Collect's form list costs the same
    queries."""
    unit = tree.communes[0]
    form_row("ban_sao_1", unit=unit, media=("nha.png", "so_do.png"))
    client = collector_client(users.team_member_a)
    url = reverse("openrosa:form-list")
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).content.count(b"<manifestUrl>") == 2
    form_row("ban_sao_2", unit=unit, media=("nha.png",))
    form_row("ban_sao_3", unit=None, media=("nha.png", "so_do.png"))
    with django_assert_num_queries(len(two)):
        assert client.get(url).content.count(b"<manifestUrl>") == 4


def test_the_manifest_costs_the_same_queries_for_twice_the_households(
    tree: UnitTree, users: FormUsers, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The manifest hashes the collector's households list: two households in each of
    two villages or four, the same queries."""
    a = tree.communes[0]
    form_publish(actor=users.officer_a, name="h.md", data=HOUSEHOLD_LIST_FORM, unit=a)
    client = collector_client(users.team_member_a)
    url = reverse("openrosa:manifest", args=["chon_ho"])

    def add_households() -> None:
        for village in tree.villages_of(a):
            make_household(village=village)
            make_household(village=village)

    add_households()
    with CaptureQueriesContext(connection) as few:
        first = client.get(url).content
    add_households()
    with django_assert_num_queries(len(few)):
        again = client.get(url).content
    assert first != again  # the list's hash changed with the households
