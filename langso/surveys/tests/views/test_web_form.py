"""Filling a form in the browser: the page, its XForm and media for the collectors who
may fill it and nobody else, the service worker, and submissions that the OpenRosa
server takes from the page's session only with a CSRF token, while ODK Collect's Basic
sign-in works as before."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import UnitTree
from langso.registry.testing import make_household
from langso.surveys.models import FormVersion, RefusedSubmission, Submission
from langso.surveys.services.forms import (
    form_publish,
    form_settings_set,
)
from langso.surveys.testing import FormUsers

from ..forms_testing import HOUSEHOLD_LIST_FORM, collector_client

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    """A browser signed in as `user`, whose POSTs Django checks for a CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _post(client: Client, xml: bytes, **headers: str) -> Any:
    """POST an instance as the page does (multipart), with `headers` (HTTP_…)."""
    data = {"xml_submission_file": SimpleUploadedFile("submission.xml", xml)}
    return client.post(reverse("openrosa:submission"), data, **headers)  # type: ignore[arg-type]


def _instance(uuid: str = "web-1") -> bytes:
    return (
        f'<data id="khao_sat_thu" version="1"><ten>Lò Văn Ánh</ten><so_nguoi>3</so_nguoi>'
        f"<meta><instanceID>uuid:{uuid}</instanceID></meta></data>"
    ).encode()


def _urls(version: FormVersion) -> dict[str, str]:
    pk = version.form_id
    return {
        "page": reverse("surveys:web-form-fill", args=[pk]),
        "xml": reverse("surveys:web-form-xml", args=[pk]),
        "media": reverse("surveys:web-form-media", args=[pk, "nha.png"]),
    }


def test_anonymous_visitors_are_sent_to_sign_in(published: FormVersion) -> None:
    for url in _urls(published).values():
        answer = Client().get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("accounts:login"))


def test_who_may_not_fill_the_form_finds_nothing(
    tree: UnitTree, users: FormUsers, published: FormVersion
) -> None:
    """Another commune's officer, and someone who sees the commune's data without
    collecting (a cooperative manager), get 404 for the page, the XForm and the media."""
    manager = make_user(username="htx.a")
    make_role(user=manager, role=Role.COOPERATIVE_MANAGER, unit=tree.communes[0])
    for user in (users.officer_b, manager):
        client = _signed_in(user)
        for url in _urls(published).values():
            assert client.get(url).status_code == 404, (user, url)


def test_a_collector_gets_the_page_the_form_and_its_media(
    users: FormUsers, published: FormVersion
) -> None:
    client = _signed_in(users.team_member_a)
    urls = _urls(published)
    page = client.get(urls["page"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "Điền biểu mẫu" in body
    assert '<script type="importmap" nonce="' in body
    assert "vendor/vue/vue.esm-browser.prod.js" in body
    assert "vendor/odk-web-forms/index.js" in body
    found = re.search(r'<script id="web-form-config" type="application/json">(.*?)</script>', body)
    assert found is not None
    config = json.loads(found[1])
    assert config["formUrl"] == urls["xml"]
    assert config["media"] == {"nha.png": urls["media"]}
    assert config["submissionUrl"] == reverse("openrosa:submission")
    assert config["user"] == users.team_member_a.pk
    assert urls["xml"] in config["offlineUrls"]
    assert any(url.endswith("vendor/odk-web-forms/index.js") for url in config["offlineUrls"])
    assert "Đang chờ gửi: %(count)s bài" in config["strings"].values()

    xform = client.get(urls["xml"])
    assert xform["Content-Type"].startswith("text/xml")
    assert xform.content.decode() == published.xform
    image = client.get(urls["media"])
    assert b"".join(image.streaming_content) == b"PNG"  # type: ignore[attr-defined]
    unknown = reverse("surveys:web-form-media", args=[published.form_id, "khac.png"])
    assert client.get(unknown).status_code == 404


def test_the_page_and_its_script_speak_english_too(
    users: FormUsers, published: FormVersion
) -> None:
    client = _signed_in(users.team_member_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(_urls(published)["page"]).content.decode()
    assert "Fill in the form" in body
    assert "Waiting to be sent: %(count)s" in body


def test_the_form_page_links_to_the_fill_page_while_the_form_is_open(
    users: FormUsers, published: FormVersion
) -> None:
    client = _signed_in(users.team_member_a)
    detail = reverse("surveys:form-detail", args=[published.form_id])
    fill = _urls(published)["page"]
    assert f'href="{fill}"' in client.get(detail).content.decode()
    form_settings_set(
        actor=users.officer_a, form=published.form, is_open=False, counts_before_approval=True
    )
    assert f'href="{fill}"' not in client.get(detail).content.decode()


def test_the_households_list_holds_only_the_collectors_villages(
    tree: UnitTree, users: FormUsers
) -> None:
    a, b = tree.communes
    mine = make_household(village=tree.villages_of(a)[0], head_name="Lê Văn Mình")
    make_household(village=tree.villages_of(b)[0], head_name="Người Xã Khác")
    version = form_publish(actor=users.officer_a, name="h.md", data=HOUSEHOLD_LIST_FORM, unit=a)
    client = _signed_in(users.team_member_a)
    url = reverse("surveys:web-form-media", args=[version.form_id, "households.csv"])
    rows = list(csv.DictReader(io.StringIO(client.get(url).content.decode())))
    assert [row["name"] for row in rows] == [mine.address_code]


def test_a_closed_form_says_so_and_gives_no_xform(users: FormUsers, published: FormVersion) -> None:
    form_settings_set(
        actor=users.officer_a, form=published.form, is_open=False, counts_before_approval=True
    )
    client = _signed_in(users.team_member_a)
    urls = _urls(published)
    page = client.get(urls["page"])
    assert page.status_code == 200
    assert "đang đóng" in page.content.decode()
    assert "importmap" not in page.content.decode()
    assert client.get(urls["xml"]).status_code == 404
    assert client.get(urls["media"]).status_code == 404


def test_the_service_worker_is_served_under_the_surveys(client: Client) -> None:
    answer = client.get(reverse("surveys:web-form-service-worker"))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert reverse("surveys:web-form-service-worker") == "/khao-sat/sw.js"
    assert b"langso-web-form" in answer.content


def _csrf_token(client: Client, version: FormVersion) -> str:
    client.get(_urls(version)["page"])
    return str(client.cookies["csrftoken"].value)


def test_the_page_submits_with_the_session_and_its_csrf_token(
    users: FormUsers, published: FormVersion
) -> None:
    client = _signed_in(users.team_member_a)
    token = _csrf_token(client, published)
    answer = _post(client, _instance(), HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 201, answer.content
    assert answer["X-OpenRosa-Version"] == "1.0"
    submission = Submission.objects.get()
    assert submission.collector == users.team_member_a
    assert "Lò Văn Ánh" in submission.xml
    again = _post(client, _instance(), HTTP_X_CSRFTOKEN=token)
    assert again.status_code == 202
    assert Submission.objects.count() == 1


def test_a_session_post_without_the_csrf_token_is_refused(
    users: FormUsers, published: FormVersion
) -> None:
    client = _signed_in(users.team_member_a)
    _csrf_token(client, published)
    answer = _post(client, _instance())
    assert answer.status_code == 403
    assert answer["X-CSRF-Refused"] == "true"
    assert b"CSRF" in answer.content
    assert b"OpenRosaResponse" in answer.content
    wrong = _post(client, _instance(), HTTP_X_CSRFTOKEN="x" * 32)
    assert wrong.status_code == 403
    assert not Submission.objects.exists()
    assert not RefusedSubmission.objects.exists()


def test_basic_sign_in_is_unchanged(users: FormUsers, published: FormVersion) -> None:
    """ODK Collect needs no CSRF token; a wrong Basic password is refused even beside a
    signed-in session; without a session nor credentials the challenge is sent, except
    to a script (the page), which the browser would answer with its own sign-in box."""
    collect = collector_client(users.team_member_a)
    collect.handler.enforce_csrf_checks = True
    assert _post(collect, _instance("basic")).status_code == 201

    both = _signed_in(users.team_member_a)
    both.defaults["HTTP_AUTHORIZATION"] = "Basic dG9jb25nbmdoZS5hOm5vcGU="  # tocongnghe.a:nope
    refused = _post(both, _instance("wrong"))
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Basic ")

    anonymous = Client(enforce_csrf_checks=True)
    assert _post(anonymous, _instance("none")).status_code == 401
    challenged = anonymous.get(reverse("openrosa:form-list"))
    assert challenged["WWW-Authenticate"].startswith("Basic ")
    script = _post(anonymous, _instance("script"), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert script.status_code == 401
    assert "WWW-Authenticate" not in script
    assert Submission.objects.count() == 1


def test_a_signed_in_user_outside_the_forms_reach_cannot_submit(
    users: FormUsers, published: FormVersion
) -> None:
    client = _signed_in(users.officer_b)
    client.get(reverse("surveys:form-list"))
    token = client.cookies["csrftoken"].value
    answer = _post(client, _instance(), HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 404
    assert not Submission.objects.exists()
