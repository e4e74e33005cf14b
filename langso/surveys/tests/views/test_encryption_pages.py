"""The pages of encrypted forms: an officer who manages a form turns encryption on with
a passphrase typed twice; a waiting submission is decrypted from its page or with all
the form's waiting ones; officers outside the form's commune reach neither."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from langso.surveys.models import FormVersion, Submission
from langso.surveys.testing import FormUsers

from ..encryption_testing import encrypt_like_collect
from ..forms_testing import collector_client, submission_post

pytestmark = pytest.mark.django_db

PASSPHRASE = "đồng lúa quê hương"


def _enable(published: FormVersion, users: FormUsers) -> FormVersion:
    client = Client()
    client.force_login(users.officer_a)
    url = reverse("surveys:form-encryption-enable", args=[published.form_id])
    mismatch = {"passphrase": PASSPHRASE, "passphrase_again": "khác", "hint": ""}
    page = client.post(url, mismatch, follow=True)
    assert "Hai lần nhập cụm mật khẩu không giống nhau." in page.content.decode()
    assert not FormVersion.objects.exclude(pk=published.pk).exists()
    same = {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE, "hint": "quê"}
    client.post(url, same)
    return FormVersion.objects.exclude(pk=published.pk).get()


def _send(version: FormVersion, users: FormUsers, uuid: str) -> None:
    assert version.encryption_key is not None
    xml = (
        f'<data id="khao_sat_thu" version="{version.version}"><ten>An</ten>'
        f"<so_nguoi>4</so_nguoi><meta><instanceID>uuid:{uuid}</instanceID></meta></data>"
    ).encode()
    manifest, files = encrypt_like_collect(
        public_key=version.encryption_key.public_key,
        form_id="khao_sat_thu",
        version=version.version,
        instance_id=f"uuid:{uuid}",
        xml=xml,
    )
    response = submission_post(collector_client(users.team_member_a), manifest, *files)
    assert response.status_code == 201, response.content


def test_encryption_is_turned_on_from_the_form_page(
    published: FormVersion, users: FormUsers
) -> None:
    """The new version keeps the media file uploaded for the previous one."""
    version = _enable(published, users)
    assert version.encryption_key is not None
    assert version.encryption_key.hint == "quê"
    assert version.attachments.get().file.name == published.attachments.get().file.name
    client = Client()
    client.force_login(users.officer_a)
    page = client.get(reverse("surveys:form-detail", args=[published.form_id])).content.decode()
    assert "encryption-form" not in page


def test_a_submission_is_decrypted_from_its_page(published: FormVersion, users: FormUsers) -> None:
    """A wrong passphrase is said and changes nothing; the right one decrypts."""
    _send(_enable(published, users), users, "p1")
    submission = Submission.objects.get()
    url = reverse("surveys:submission-decrypt", args=[submission.pk])
    client = Client()
    client.force_login(users.officer_a)
    page = client.get(reverse("surveys:submission-detail", args=[submission.pk]))
    assert 'id="decrypt-form"' in page.content.decode()
    wrong = client.post(url, {"passphrase": "không đúng cụm này"}, follow=True)
    assert "Cụm mật khẩu không đúng" in wrong.content.decode()
    assert Submission.objects.get().state == Submission.State.ENCRYPTED
    done = client.post(url, {"passphrase": PASSPHRASE}, follow=True)
    assert "Đã giải mã bài." in done.content.decode()
    assert "<ten>An</ten>" in Submission.objects.get().xml


def test_officers_of_another_commune_reach_nothing(
    published: FormVersion, users: FormUsers
) -> None:
    """The form is commune A's: commune B's officer neither sees the submission nor
    decrypts it, and the answer does not say whether it exists."""
    _send(_enable(published, users), users, "p2")
    submission = Submission.objects.get()
    client = Client()
    client.force_login(users.officer_b)
    url = reverse("surveys:submission-decrypt", args=[submission.pk])
    assert client.post(url, {"passphrase": PASSPHRASE}).status_code == 404
    batch = reverse("surveys:form-decrypt", args=[published.form_id])
    assert client.post(batch, {"passphrase": PASSPHRASE}).status_code == 404
    assert Submission.objects.get().state == Submission.State.ENCRYPTED


def test_the_forms_waiting_submissions_are_decrypted_together(
    published: FormVersion, users: FormUsers
) -> None:
    """One passphrase, every waiting submission of the form."""
    version = _enable(published, users)
    for uuid in ("q1", "q2"):
        _send(version, users, uuid)
    client = Client()
    client.force_login(users.officer_a)
    page = client.post(
        reverse("surveys:form-decrypt", args=[published.form_id]),
        {"passphrase": PASSPHRASE},
        follow=True,
    )
    assert "Đã giải mã 2 bài" in page.content.decode()
    assert not Submission.objects.filter(state=Submission.State.ENCRYPTED).exists()


def test_an_encrypted_form_is_not_offered_in_the_browser(
    published: FormVersion, users: FormUsers
) -> None:
    """ODK Web Forms sends answers in plain: the fill page says to use ODK Collect and
    loads no form."""
    _enable(published, users)
    client = Client()
    client.force_login(users.team_member_a)
    page = client.get(reverse("surveys:web-form-fill", args=[published.form_id])).content.decode()
    assert "ODK Collect" in page
    assert "web-form-config" not in page


def test_anonymous_visitors_are_sent_to_sign_in(published: FormVersion) -> None:
    """No encryption page acts before sign-in: each sends to the login, and nothing is
    published."""
    urls = [
        reverse("surveys:form-encryption-enable", args=[published.form_id]),
        reverse("surveys:form-decrypt", args=[published.form_id]),
        reverse("surveys:submission-decrypt", args=[1]),
    ]
    data = {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE, "hint": ""}
    for url in urls:
        answer = Client().post(url, data)
        assert answer.status_code == 302, url
        assert answer["Location"].startswith(reverse("accounts:login"))
    assert FormVersion.objects.get() == published


def test_officers_of_another_commune_cannot_turn_encryption_on(
    published: FormVersion, users: FormUsers
) -> None:
    """Commune A's form, commune B's officer: answered as a form that does not exist."""
    client = Client()
    client.force_login(users.officer_b)
    url = reverse("surveys:form-encryption-enable", args=[published.form_id])
    data = {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE, "hint": ""}
    assert client.post(url, data).status_code == 404
    assert FormVersion.objects.get() == published
