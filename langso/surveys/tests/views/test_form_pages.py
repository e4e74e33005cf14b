"""The survey form pages: publishing shows pyxform's reasons, the form page its versions
and files, and nobody reaches a form outside their reach."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from langso.accounts.testing import client_for
from langso.places.testing import UnitTree, make_commune
from langso.surveys.models import FormAttachment, SurveyForm
from langso.surveys.services.forms import form_publish
from langso.surveys.testing import FormUsers

from ..forms_testing import form_row, markdown_form, xform_document

pytestmark = pytest.mark.django_db


def test_publishing_through_the_page(tree: UnitTree, users: FormUsers) -> None:
    client = client_for(users.officer_a)
    page = client.get(reverse("surveys:form-publish"))
    assert page.status_code == 200
    assert tree.communes[0].code in page.content.decode()
    assert tree.communes[1].code not in page.content.decode()
    answer = client.post(
        reverse("surveys:form-publish"),
        {"file": SimpleUploadedFile("khao-sat.md", markdown_form()), "unit": tree.communes[0].code},
    )
    survey = SurveyForm.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("surveys:form-detail", args=[survey.pk])
    detail = client.get(answer["Location"]).content.decode()
    assert "nha.png" in detail
    assert "publish-warnings" in detail
    # Collectors are not offered the form until its image is uploaded; the page says so.
    assert "missing-media" in detail


def test_a_refused_upload_shows_the_reasons(tree: UnitTree, users: FormUsers) -> None:
    client = client_for(users.officer_a)
    bad = b"| survey |\n| | type | name | label |\n| | select_one nope | a | A |\n"
    page = client.post(
        reverse("surveys:form-publish"),
        {"file": SimpleUploadedFile("sai.md", bad), "unit": tree.communes[0].code},
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "publish-errors" in body
    assert "choices sheet" in body
    assert not SurveyForm.objects.exists()


def test_publishing_an_xform_through_the_page(tree: UnitTree, users: FormUsers) -> None:
    """The page takes an XForm too; its version then offers the XForm alone, the file
    uploaded being that XForm."""
    client = client_for(users.officer_a)
    page = client.get(reverse("surveys:form-publish")).content.decode()
    assert ".xml" in page
    answer = client.post(
        reverse("surveys:form-publish"),
        {"file": SimpleUploadedFile("ho.xml", xform_document()), "unit": tree.communes[0].code},
    )
    survey = SurveyForm.objects.get()
    assert answer.status_code == 302
    detail = client.get(answer["Location"]).content.decode()
    pk = survey.versions.get().pk
    assert reverse("surveys:version-download", args=[survey.pk, pk, "xml"]) in detail
    assert reverse("surveys:version-download", args=[survey.pk, pk, "xlsform"]) not in detail


def test_a_refused_xform_shows_odk_validates_reasons(tree: UnitTree, users: FormUsers) -> None:
    client = client_for(users.officer_a)
    bad = xform_document(calculation="/data/so_nguoi +* 2")
    page = client.post(
        reverse("surveys:form-publish"),
        {"file": SimpleUploadedFile("sai.xml", bad), "unit": tree.communes[0].code},
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "publish-errors" in body
    assert "ODK Validate" in body
    assert "gap_doi" in body
    assert not SurveyForm.objects.exists()


def test_a_team_member_may_not_publish(users: FormUsers) -> None:
    assert client_for(users.team_member_a).get(reverse("surveys:form-publish")).status_code == 403


def test_forms_reach_their_own_units_and_those_above(tree: UnitTree, users: FormUsers) -> None:
    a, b = tree.communes
    national = form_publish(
        actor=users.central_admin, name="q.md", data=markdown_form(form_id="qg"), unit=None
    ).form
    of_a = form_publish(
        actor=users.officer_a, name="a.md", data=markdown_form(form_id="xa_a"), unit=a
    ).form
    of_b = form_publish(
        actor=users.officer_b, name="b.md", data=markdown_form(form_id="xa_b"), unit=b
    ).form
    client = client_for(users.team_member_a)
    listing = client.get(reverse("surveys:form-list")).content.decode()
    assert "qg" in listing
    assert "xa_a" in listing
    assert "xa_b" not in listing
    assert client.get(reverse("surveys:form-detail", args=[of_a.pk])).status_code == 200
    assert client.get(reverse("surveys:form-detail", args=[national.pk])).status_code == 200
    assert client.get(reverse("surveys:form-detail", args=[of_b.pk])).status_code == 404


def test_media_upload_and_downloads(tree: UnitTree, users: FormUsers) -> None:
    version = form_publish(
        actor=users.officer_a, name="f.md", data=markdown_form(), unit=tree.communes[0]
    )
    image = version.attachments.get()
    client = client_for(users.officer_a)
    url = reverse("surveys:attachment-upload", args=[version.form_id, image.pk])
    client.post(url, {"file": SimpleUploadedFile("nha.png", b"PNG")})
    assert FormAttachment.objects.get(pk=image.pk).is_ready
    # Another commune's officer may read nothing of it, and upload nothing to it.
    other = client_for(users.officer_b)
    assert other.post(url, {"file": SimpleUploadedFile("nha.png", b"X")}).status_code == 404
    xml = client.get(reverse("surveys:version-download", args=[version.form_id, version.pk, "xml"]))
    assert xml["Content-Type"].startswith("text/xml")
    assert b"khao_sat_thu" in xml.content
    xlsform = client.get(
        reverse("surveys:version-download", args=[version.form_id, version.pk, "xlsform"])
    )
    assert b"".join(xlsform.streaming_content) == markdown_form()  # type: ignore[attr-defined]


def test_connecting_odk_collect_shows_a_qr_code_once(users: FormUsers) -> None:
    """The settings QR code holds the server, the user name and a fresh app password,
    which then signs in to the OpenRosa server; the page is never cached."""
    import base64
    import json
    import zlib

    from langso.surveys.services.collectors import collect_settings_payload

    client = client_for(users.team_member_a)
    assert "collect-settings" not in client.get(reverse("surveys:collect-connect")).content.decode()
    page = client.post(reverse("surveys:collect-connect"))
    assert page["Cache-Control"] == "no-store"
    token = page.context["token"]
    payload = collect_settings_payload(
        server_url=page.context["server_url"], username="tocongnghe.a", token=token
    )
    settings = json.loads(zlib.decompress(base64.b64decode(payload)))
    assert settings["general"]["server_url"].endswith("/openrosa")
    assert settings["general"]["password"] == token
    secret = base64.b64encode(f"tocongnghe.a:{token}".encode()).decode()
    signed_in = Client(HTTP_AUTHORIZATION=f"Basic {secret}").get(reverse("openrosa:form-list"))
    assert signed_in.status_code == 200
    # Commune officers fill forms too; a user without a role does not.
    assert client_for(users.officer_a).get(reverse("surveys:collect-connect")).status_code == 200
    from langso.accounts.tests.factories import make_user

    nobody = make_user(username="khongvaitro")
    assert client_for(nobody).get(reverse("surveys:collect-connect")).status_code == 403


def test_the_form_list_costs_the_same_queries_for_twice_the_forms(
    tree: UnitTree, users: FormUsers, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Two forms or four, at the commune, the province and nationwide: the officers' form
    list costs the same queries."""
    a = tree.communes[0]
    form_row("xa_1", unit=a)
    form_row("tinh_1", unit=tree.province)
    client = client_for(users.officer_a)
    url = reverse("surveys:form-list")
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).content.count(b"<tr>") == 3  # the heading and two forms
    form_row("xa_2", unit=a)
    form_row("toan_quoc", unit=None)
    with django_assert_num_queries(len(two)):
        assert client.get(url).content.count(b"<tr>") == 5


def test_the_publish_pages_units_are_named_with_their_province(
    tree: UnitTree, users: FormUsers
) -> None:
    """ "Dùng tại" offers each unit by its Vietnamese name and its province's, as the unit
    picker writes them, never by its code; the province by its name alone."""
    a, b = tree.communes
    page = client_for(users.province_officer).get(reverse("surveys:form-publish"))
    html = page.content.decode()
    for unit, label in [
        (a, f"{a.name}, {tree.province.name}"),
        (b, f"{b.name}, {tree.province.name}"),
        (tree.province, tree.province.name),
    ]:
        assert f'<option value="{unit.code}">{label}</option>' in html
    assert f"({a.code})" not in html
    assert f"({tree.province.code})" not in html


def test_the_publish_page_costs_the_same_queries_with_more_communes(
    tree: UnitTree, users: FormUsers
) -> None:
    client = client_for(users.province_officer)
    with CaptureQueriesContext(connection) as before:
        assert client.get(reverse("surveys:form-publish")).status_code == 200
    for n in range(3):
        make_commune(province=tree.province, code=f"{tree.province.code}9{n:02d}", name=f"Xã {n}")
    with CaptureQueriesContext(connection) as after:
        assert client.get(reverse("surveys:form-publish")).status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)
