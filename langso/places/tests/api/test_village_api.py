from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from langso.accounts.models import User
from langso.accounts.testing import client_for
from langso.core.models import Job
from langso.places.models import LEGACY_VALID_TO, AdminUnit
from langso.places.testing import make_commune

from ..conftest import Tree, csv_file, xlsx_file

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post_json(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", body, content_type="application/json")


def test_create_village_returns_201_with_the_unit(tree: Tree, officer_a: User) -> None:
    """POST /communes/{code}/villages creates the village and answers it as a unit."""
    response = post_json(
        client_for(officer_a),
        f"/communes/{tree.a.code}/villages",
        {"code": "09", "name": "Thôn Chín", "kind": "Thôn", "lat": 20.3, "lon": 105.9},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "37001-09"
    assert body["level"] == "village"
    assert body["kind"] == "thon"
    assert body["short_name"] == "Chín"
    assert body["parent_code"] == tree.a.code
    assert body["centroid"] == [105.9, 20.3]


def test_officer_of_commune_a_is_refused_everything_in_commune_b(
    tree: Tree, officer_a: User
) -> None:
    """Create, edit, import and group-setting in commune B answer 403 JSON to A's
    officer, and nothing is written."""
    client = client_for(officer_a)
    village = tree.villages(tree.b)[0]
    before = tree.snapshot()
    responses = [
        post_json(
            client, f"/communes/{tree.b.code}/villages", {"code": "09", "name": "X", "kind": "thon"}
        ),
        client.patch(
            f"{API}/units/{village.code}", {"name": "Thôn Chiếm"}, content_type="application/json"
        ),
        client.post(
            f"{API}/communes/{tree.b.code}/villages/import",
            {"file": csv_file([["09", "Thôn X", "Thôn", "", ""]])},
        ),
        client.put(
            f"{API}/communes/{tree.b.code}/group",
            {"group": "NHOM_1"},
            content_type="application/json",
        ),
    ]
    assert [r.status_code for r in responses] == [403] * 4
    assert all("detail" in r.json() for r in responses)
    assert tree.snapshot() == before
    tree.b.refresh_from_db()
    assert tree.b.commune_group == ""


def test_writes_need_a_session(tree: Tree) -> None:
    """Without signing in, writes answer 401."""
    response = post_json(
        Client(), f"/communes/{tree.a.code}/villages", {"code": "09", "name": "X", "kind": "thon"}
    )
    assert response.status_code == 401


def test_session_writes_need_the_csrf_token(tree: Tree, officer_a: User) -> None:
    """A browser session is not enough without the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_a)
    response = post_json(
        client, f"/communes/{tree.a.code}/villages", {"code": "09", "name": "X", "kind": "thon"}
    )
    assert response.status_code == 403
    assert not AdminUnit.objects.filter(code="37001-09").exists()


def test_unknown_commune_is_404_json(tree: Tree, officer_a: User) -> None:
    response = post_json(
        client_for(officer_a),
        "/communes/99999/villages",
        {"code": "09", "name": "X", "kind": "thon"},
    )
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_commune_no_longer_in_force_is_404_json_saying_so(
    tree: Tree, central_admin: User
) -> None:
    """A commune abolished in 2025 is no commune to change: 404, as for an unknown code,
    with a message that says until when it was in force; nothing is written."""
    old = make_commune(province=tree.province, code="37999", name="Xã Cũ", valid_to=LEGACY_VALID_TO)
    response = post_json(
        client_for(central_admin),
        f"/communes/{old.code}/villages",
        {"code": "09", "name": "X", "kind": "thon"},
    )
    assert response.status_code == 404
    assert "chỉ có hiệu lực đến 30/06/2025" in response.json()["detail"]
    assert not AdminUnit.objects.filter(code="37999-09").exists()


def test_invalid_village_is_400_naming_the_fields(tree: Tree, officer_a: User) -> None:
    """Domain errors are 400 JSON with a Vietnamese message."""
    response = post_json(
        client_for(officer_a),
        f"/communes/{tree.a.code}/villages",
        {"code": "01", "name": "Thôn Mới", "kind": "phường"},
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "Mã thôn: Xã đã có thôn mã “01”." in detail
    assert "Loại: Loại “phường” không hợp lệ" in detail


def test_patch_changes_only_the_given_fields(tree: Tree, officer_a: User) -> None:
    """PATCH keeps what it is not given; null coordinates clear the point."""
    client = client_for(officer_a)
    village = tree.villages(tree.a)[0]
    response = client.patch(
        f"{API}/units/{village.code}",
        {"kind": "xom", "lat": 20.5, "lon": 105.5},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == village.name
    assert response.json()["kind"] == "xom"
    assert response.json()["centroid"] == [105.5, 20.5]
    cleared = client.patch(
        f"{API}/units/{village.code}", {"lat": None, "lon": None}, content_type="application/json"
    )
    assert cleared.json()["centroid"] is None


def test_patch_of_a_commune_is_refused(tree: Tree, central_admin: User) -> None:
    response = client_for(central_admin).patch(
        f"{API}/units/{tree.a.code}", {"name": "Xã Mới"}, content_type="application/json"
    )
    assert response.status_code == 400
    tree.a.refresh_from_db()
    assert tree.a.name != "Xã Mới"


CaptureOnCommit = Callable[..., AbstractContextManager[object]]


@pytest.fixture
def uploads(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "imports"


def _import(client: Client, commune: AdminUnit, upload: Any, capture: CaptureOnCommit) -> Any:
    """POST the file; the job runs once the request commits. The job as the API shows it."""
    with capture(execute=True):
        response = client.post(f"{API}/communes/{commune.code}/villages/import", {"file": upload})
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["status"] == "queued"
    followed = client.get(queued["url"])
    assert followed.status_code == 200
    return followed.json()


@pytest.mark.parametrize("builder", [csv_file, xlsx_file])
@pytest.mark.usefixtures("uploads")
def test_import_is_a_job_reporting_counts_and_reimport_does_not_duplicate(
    tree: Tree,
    officer_a: User,
    builder: Any,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    """A good CSV or XLSX answers 202 with a job, which ends with the counts; importing
    it again changes nothing."""
    client = client_for(officer_a)
    rows = [["01", "Thôn Đông", "Thôn", "", ""], ["10", "Bản Mười", "ban", "21.5", "104.2"]]
    first = _import(client, tree.a, builder(rows), django_capture_on_commit_callbacks)
    assert first["status"] == "succeeded", first
    assert first["result"] == {"created": 1, "updated": 1, "unchanged": 0}
    Job.objects.all().delete()
    again = _import(client, tree.a, builder(rows), django_capture_on_commit_callbacks)
    assert again["result"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert len(tree.villages(tree.a)) == 3


def test_the_request_only_queues_the_import(tree: Tree, officer_a: User, uploads: Path) -> None:
    """The request stores the file and queues the job; it reads no row and writes no
    village."""
    before = tree.snapshot()
    response = client_for(officer_a).post(
        f"{API}/communes/{tree.a.code}/villages/import",
        {"file": csv_file([["10", "Bản Mười", "ban", "", ""]])},
    )
    assert response.status_code == 202
    assert Job.objects.get().status == Job.Status.QUEUED
    assert [p.suffix for p in uploads.iterdir()] == [".csv"]
    assert tree.snapshot() == before


@pytest.mark.parametrize("builder", [csv_file, xlsx_file])
@pytest.mark.usefixtures("uploads")
def test_rejected_import_fails_its_job_with_every_error_and_writes_nothing(
    tree: Tree,
    officer_a: User,
    builder: Any,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    """A bad file fails the job with every bad row (row, column, reason); the stored
    villages are unchanged."""
    before = tree.snapshot()
    upload = builder(
        [
            ["01", "Thôn Đổi Tên", "Thôn", "", ""],
            ["02", "", "Thôn", "", ""],
            ["03", "Thôn Ba", "Làng", "", ""],
            ["03", "Thôn Ba Bis", "Thôn", "", ""],
        ]
    )
    job = _import(client_for(officer_a), tree.a, upload, django_capture_on_commit_callbacks)
    assert job["status"] == "failed"
    assert "không có dòng nào được ghi" in job["message"]
    assert [(e["row"], e["column"]) for e in job["errors"]] == [
        (3, "Tên thôn"),
        (4, "Loại"),
        (5, "Mã thôn"),
    ]
    assert all(e["reason"] for e in job["errors"])
    assert tree.snapshot() == before


@pytest.mark.usefixtures("uploads")
def test_missing_header_is_a_row_one_error(
    tree: Tree, officer_a: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    upload = csv_file([["01", "Thôn"]], header=["Mã thôn", "Loại"])
    job = _import(client_for(officer_a), tree.a, upload, django_capture_on_commit_callbacks)
    assert job["errors"] == [
        {"row": 1, "column": "Tên thôn", "reason": "Thiếu cột “Tên thôn” trong dòng tiêu đề."}
    ]


def test_a_job_is_seen_only_by_who_started_it(
    tree: Tree, officer_a: User, officer_b: User, uploads: Path
) -> None:
    """Another user asking for the job gets 404, as for a job that does not exist."""
    response = client_for(officer_a).post(
        f"{API}/communes/{tree.a.code}/villages/import",
        {"file": csv_file([["10", "Bản Mười", "ban", "", ""]])},
    )
    url = response.json()["url"]
    assert client_for(officer_b).get(url).status_code == 404
    assert client_for(officer_b).get(f"{API}/jobs/999999").status_code == 404
    assert Client().get(url).status_code == 401


def test_an_oversized_file_is_refused_before_it_is_stored(
    tree: Tree, officer_a: User, uploads: Path
) -> None:
    """A file over 5 MB answers 400 naming the limit; nothing is stored or queued."""
    big = SimpleUploadedFile("thon.csv", b"x" * (5 * 1024 * 1024 + 1))
    response = client_for(officer_a).post(
        f"{API}/communes/{tree.a.code}/villages/import", {"file": big}
    )
    assert response.status_code == 400
    assert "lớn hơn 5 MB" in response.json()["detail"]
    assert not Job.objects.exists()
    assert not uploads.exists()


def test_a_request_declaring_more_than_the_limit_is_refused_before_it_is_read(
    tree: Tree, officer_a: User, uploads: Path
) -> None:
    """An upload declaring a length far past the 5 MB limit answers 413 JSON naming the
    limit, before the body is parsed; nothing is stored or queued."""
    response = client_for(officer_a).post(
        f"{API}/communes/{tree.a.code}/villages/import",
        {"file": csv_file([["10", "Bản Mười", "ban", "", ""]])},
        CONTENT_LENGTH=str(400 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "lớn hơn 5 MB" in response.json()["detail"]
    assert not Job.objects.exists()
    assert not uploads.exists()


def test_province_officer_sets_the_group(tree: Tree, province_officer: User) -> None:
    response = client_for(province_officer).put(
        f"{API}/communes/{tree.a.code}/group", {"group": "NHOM_2"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["commune_group"] == "NHOM_2"
