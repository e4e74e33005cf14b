"""Whatever /openrosa/ answers is an OpenRosa answer: the version header and an
OpenRosaResponse body on Django's own 400, 404, 405 and 500 too; the form list filters
by formID; the manifest marks the households list as an entity list with the
integrity URL of ODK's offline entities; the instance XML has a size limit; an
attachment sent again with other bytes is a conflict; and a chunked body, which
gunicorn passes on without a Content-Length, is read."""

from __future__ import annotations

import io
from typing import Any

import pytest
from defusedxml import ElementTree
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from langso.places.testing import UnitTree
from langso.registry.models import HouseholdStatus
from langso.registry.testing import make_household
from langso.surveys import openrosa, selectors
from langso.surveys.models import FormVersion, RefusedSubmission, Submission
from langso.surveys.openrosa import FORM_LIST_NS, MANIFEST_NS, RESPONSE_NS
from langso.surveys.services.forms import form_publish
from langso.surveys.testing import FormUsers

from ..forms_testing import HOUSEHOLD_LIST_FORM, collector_client, submission_post

pytestmark = pytest.mark.django_db


def _instance(uuid: str = "1") -> bytes:
    return (
        f'<data id="khao_sat_thu" version="1"><ten>An</ten><so_nguoi>4</so_nguoi>'
        f"<meta><instanceID>uuid:{uuid}</instanceID></meta></data>"
    ).encode()


def _openrosa_error(response: Any) -> str:
    """The message of an OpenRosa error answer, after checking that it is one."""
    assert response["X-OpenRosa-Version"] == "1.0"
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{{{RESPONSE_NS}}}OpenRosaResponse"
    message = root.find(f"{{{RESPONSE_NS}}}message")
    assert message is not None
    assert message.get("nature") == "error"
    return message.text or ""


def test_an_unknown_address_is_an_openrosa_404(users: FormUsers) -> None:
    answer = collector_client(users.team_member_a).get("/openrosa/khong-co")
    assert answer.status_code == 404
    assert _openrosa_error(answer)


def test_an_unknown_form_is_an_openrosa_404_naming_it(
    published: FormVersion, users: FormUsers
) -> None:
    answer = collector_client(users.team_member_a).get(
        reverse("openrosa:form-xml", args=["xa_khac"])
    )
    assert answer.status_code == 404
    assert "xa_khac" in _openrosa_error(answer)


def test_a_method_not_allowed_is_an_openrosa_405(published: FormVersion, users: FormUsers) -> None:
    answer = collector_client(users.team_member_a).get(reverse("openrosa:submission"))
    assert answer.status_code == 405
    assert "POST" in answer["Allow"]
    assert _openrosa_error(answer)


def test_a_request_django_refuses_is_an_openrosa_400(
    published: FormVersion, users: FormUsers, settings: Settings
) -> None:
    """Django refuses a body with too many fields before the view runs."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    answer = submission_post(
        collector_client(users.team_member_a), _instance(), a="1", b="2", c="3"
    )
    assert answer.status_code == 400
    assert _openrosa_error(answer)
    assert not Submission.objects.exists()


def test_a_server_fault_is_an_openrosa_500(
    published: FormVersion, users: FormUsers, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("hỏng")

    monkeypatch.setattr(selectors, "collector_forms", broken)
    client = collector_client(users.team_member_a)
    client.raise_request_exception = False
    answer = client.get(reverse("openrosa:form-list"))
    assert answer.status_code == 500
    assert "hỏng" not in _openrosa_error(answer)  # nothing of the fault leaks


def test_pages_outside_openrosa_are_left_alone(client: Client) -> None:
    answer = client.get("/khong-co-trang-nay/")
    assert answer.status_code == 404
    assert "X-OpenRosa-Version" not in answer


def test_the_form_list_filters_by_form_id(
    tree: UnitTree, users: FormUsers, published: FormVersion
) -> None:
    form_publish(
        actor=users.officer_a, name="h.md", data=HOUSEHOLD_LIST_FORM, unit=tree.communes[0]
    )
    client = collector_client(users.team_member_a)

    def listed(**query: str) -> list[str]:
        root = ElementTree.fromstring(client.get(reverse("openrosa:form-list"), query).content)
        return [e.text or "" for e in root.iter(f"{{{FORM_LIST_NS}}}formID")]

    assert listed() == ["chon_ho", "khao_sat_thu"]
    assert listed(formID="khao_sat_thu") == ["khao_sat_thu"]
    assert listed(formID="khong_co") == []


def test_the_households_list_is_an_entity_list_with_an_integrity_url(
    tree: UnitTree, users: FormUsers
) -> None:
    """ODK's offline entities: Collect asks the integrity URL whether households it
    holds are still on the server's list. A household that left the collector's list
    (or that they never had, whether it exists or not) is answered deleted."""
    a, b = tree.communes
    mine = make_household(village=tree.villages_of(a)[0])
    gone = make_household(village=tree.villages_of(a)[0], status=HouseholdStatus.MOVED_AWAY)
    elsewhere = make_household(village=tree.villages_of(b)[0])
    form_publish(actor=users.officer_a, name="h.md", data=HOUSEHOLD_LIST_FORM, unit=a)
    client = collector_client(users.team_member_a)
    manifest = ElementTree.fromstring(
        client.get(reverse("openrosa:manifest", args=["chon_ho"])).content
    )
    (media,) = manifest
    assert media.get("type") == "entityList"
    assert media.findtext(f"{{{MANIFEST_NS}}}filename") == "households.csv"
    integrity_url = media.findtext(f"{{{MANIFEST_NS}}}integrityUrl") or ""
    ids = [mine.address_code, gone.address_code, elsewhere.address_code, "khong-co"]
    answer = client.get(integrity_url, {"id": ",".join(ids)})
    assert answer.status_code == 200
    assert answer["X-OpenRosa-Version"] == "1.0"
    root = ElementTree.fromstring(answer.content)
    states = {e.get("id"): e.findtext("deleted") for e in root.iter("entity")}
    assert states == {
        mine.address_code: "false",
        gone.address_code: "true",
        elsewhere.address_code: "true",
        "khong-co": "true",
    }
    other = client.get(reverse("openrosa:integrity", args=["nguoi"]), {"id": "1"})
    assert other.status_code == 404


def test_the_instance_xml_has_a_size_limit(
    published: FormVersion, users: FormUsers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(openrosa, "MAX_INSTANCE_BYTES", 200)
    padded = _instance().replace(b"<ten>An</ten>", b"<ten>" + b"a" * 300 + b"</ten>")
    answer = submission_post(collector_client(users.team_member_a), padded)
    assert answer.status_code == 413
    assert "XML" in _openrosa_error(answer)
    assert not Submission.objects.exists()
    assert RefusedSubmission.objects.get().xml == ""


def test_an_attachment_sent_again_with_other_bytes_is_a_conflict(
    published: FormVersion, users: FormUsers
) -> None:
    """The same instance may be sent again (202), but an attachment of a known name must
    be the same file: other bytes under it are a 409, and the stored file stays."""
    client = collector_client(users.team_member_a)
    assert submission_post(client, _instance(), ("anh.jpg", b"JPEG-1")).status_code == 201
    assert submission_post(client, _instance(), ("anh.jpg", b"JPEG-1")).status_code == 202
    changed = submission_post(client, _instance(), ("anh.jpg", b"JPEG-2"), ("moi.jpg", b"M"))
    assert changed.status_code == 409
    assert "anh.jpg" in _openrosa_error(changed)
    (stored,) = Submission.objects.get().attachments.all()
    assert stored.file.read() == b"JPEG-1"


def test_a_chunked_body_without_a_content_length_is_read(
    published: FormVersion, users: FormUsers
) -> None:
    """gunicorn de-chunks a request for WSGI and passes no Content-Length, marking the
    input terminated instead; Django alone reads such a body as empty. The project's
    WSGI application reads it to its end."""
    from config.chunked import terminated_input_environ

    client = collector_client(users.team_member_a)
    django_alone = client.handler

    def gunicorn(environ: dict[str, Any]) -> dict[str, Any]:
        """What gunicorn hands on: the de-chunked body, readable to its end, and no
        Content-Length."""
        body = environ["wsgi.input"].read()
        return {
            **environ,
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": "",
            "HTTP_TRANSFER_ENCODING": "chunked",
            "wsgi.input_terminated": True,
        }

    def post() -> Any:
        data = {"xml_submission_file": SimpleUploadedFile("submission.xml", _instance())}
        return client.post(reverse("openrosa:submission"), data)

    client.handler = lambda environ: django_alone(gunicorn(environ))  # type: ignore[assignment]
    assert post().status_code == 400  # "Thiếu phần xml_submission_file": read as empty
    client.handler = lambda environ: django_alone(  # type: ignore[assignment]
        terminated_input_environ(gunicorn(environ))
    )
    read = post()
    assert read.status_code == 201, read.content
    assert Submission.objects.count() == 1


def test_the_wsgi_application_reads_chunked_bodies() -> None:
    from config import wsgi
    from config.chunked import TerminatedInput

    assert isinstance(wsgi.application, TerminatedInput)


def test_the_integrity_url_asks_for_sign_in(published: FormVersion) -> None:
    """Anonymous: 401 with the realm, and not a word about any household."""
    answer = Client().get(reverse("openrosa:integrity", args=["households"]), {"id": "x"})
    assert answer.status_code == 401
    assert "WWW-Authenticate" in answer
    assert b"entity" not in answer.content
