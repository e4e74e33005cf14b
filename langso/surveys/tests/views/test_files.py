"""Files of surveys — the uploaded XLSForm, the form's media, a submission's photos —
are served only through routes that check the reader's reach: anonymous readers are
sent to sign in (401 with Basic on the OpenRosa server, whose manifest points ODK
Collect at that authenticated route), a reader outside the form's commune gets the 404
of a file that does not exist, and stored names say nothing of the form or submission."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from langso.accounts.testing import client_for
from langso.surveys.models import FormVersion, Submission
from langso.surveys.services.forms import form_publish
from langso.surveys.testing import FormUsers

from ..forms_testing import collector_client, markdown_form, submission_post

pytestmark = pytest.mark.django_db


def _instance(uuid: str) -> bytes:
    return (
        f'<data id="khao_sat_thu" version="1"><ten>An</ten><so_nguoi>4</so_nguoi>'
        f"<meta><instanceID>uuid:{uuid}</instanceID></meta></data>"
    ).encode()


@pytest.fixture
def submissions(published: FormVersion, users: FormUsers) -> list[Submission]:
    client = collector_client(users.team_member_a)
    for uuid in ("1", "2"):
        response = submission_post(client, _instance(uuid), ("anh.jpg", b"\xff\xd8\xff"))
        assert response.status_code == 201
    return list(Submission.objects.order_by("pk"))


def test_a_submission_photo_is_served_to_those_who_see_the_submission(
    submissions: list[Submission], users: FormUsers
) -> None:
    """The form's commune officer gets the bytes with the type the phone sent; an
    anonymous reader is sent to sign in; another commune's officer gets a 404, the same
    as for a file asked for under another submission."""
    first, second = submissions
    attachment = first.attachments.get()
    url = reverse("surveys:submission-attachment", args=[first.pk, attachment.pk])
    page = client_for(users.officer_a).get(reverse("surveys:submission-detail", args=[first.pk]))
    assert url in page.content.decode()
    response = client_for(users.officer_a).get(url)
    assert response.status_code == 200
    assert response.getvalue() == b"\xff\xd8\xff"
    assert response["Content-Type"] == "image/jpeg"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert client_for(users.officer_b).get(url).status_code == 404
    crossed = reverse("surveys:submission-attachment", args=[second.pk, attachment.pk])
    assert client_for(users.officer_a).get(crossed).status_code == 404


def test_submission_files_are_stored_under_names_no_one_can_guess(
    submissions: list[Submission],
) -> None:
    """Two photos named alike by two submissions get two random names that hold
    neither submission's id."""
    stored = [str(s.attachments.get().file.name) for s in submissions]
    assert stored[0] != stored[1]
    for name in stored:
        assert re.fullmatch(r"surveys/submissions/[A-Za-z0-9_-]{22}\.jpg", name)
    assert [s.attachments.get().name for s in submissions] == ["anh.jpg", "anh.jpg"]


def test_the_xlsform_is_served_to_those_who_see_the_form(
    published: FormVersion, users: FormUsers
) -> None:
    """Downloaded under the uploaded name; refused to anonymous readers and to another
    commune's officer; stored under a random name."""
    url = reverse("surveys:version-download", args=[published.form_id, published.pk, "xlsform"])
    response = client_for(users.officer_a).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="f.md"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Client().get(url).status_code == 302
    assert client_for(users.officer_b).get(url).status_code == 404
    assert re.fullmatch(r"surveys/xlsforms/[A-Za-z0-9_-]{22}\.md", str(published.xlsform.name))
    assert published.xlsform_name == "f.md"


def test_form_media_is_served_behind_sign_in_where_the_manifest_points(
    published: FormVersion, users: FormUsers
) -> None:
    """The manifest's downloadUrl is the OpenRosa media route, which answers 401 without
    credentials, 404 to a collector who may not fill the form, and the file to one who
    may; the file is stored under a random name."""
    collector = collector_client(users.team_member_a)
    manifest = collector.get(reverse("openrosa:manifest", args=["khao_sat_thu"])).content.decode()
    media_url = reverse("openrosa:media", args=["khao_sat_thu", "nha.png"])
    assert f"<downloadUrl>http://testserver{media_url}</downloadUrl>" in manifest
    anonymous = Client().get(media_url)
    assert anonymous.status_code == 401
    assert "Basic" in anonymous["WWW-Authenticate"]
    assert collector_client(users.officer_b).get(media_url).status_code == 404
    response = collector.get(media_url)
    assert response.getvalue() == b"PNG"
    assert response["X-Content-Type-Options"] == "nosniff"
    attachment = published.attachments.get()
    assert re.fullmatch(r"surveys/media/[A-Za-z0-9_-]{22}\.png", str(attachment.file.name))


def test_uploaded_form_media_is_linked_for_those_who_see_the_form(
    published: FormVersion, users: FormUsers
) -> None:
    """The form's page links the uploaded image to its download, which its commune's
    officer gets and another commune's officer does not; an attachment of another form
    is not found under this one."""
    attachment = published.attachments.get()
    url = reverse("surveys:attachment-download", args=[published.form_id, attachment.pk])
    page = client_for(users.officer_a).get(reverse("surveys:form-detail", args=[published.form_id]))
    assert url in page.content.decode()
    response = client_for(users.officer_a).get(url)
    assert response.getvalue() == b"PNG"
    assert response["Content-Disposition"].startswith("inline;")
    assert client_for(users.officer_b).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    other = form_publish(
        actor=users.central_admin, name="g.md", data=markdown_form(form_id="khac"), unit=None
    )
    crossed = reverse("surveys:attachment-download", args=[other.form_id, attachment.pk])
    assert client_for(users.central_admin).get(crossed).status_code == 404
