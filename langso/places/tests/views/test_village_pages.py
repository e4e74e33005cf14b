from __future__ import annotations

import io
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from langso.accounts.models import User
from langso.accounts.testing import client_for
from langso.core.models import Job
from langso.places.models import LEGACY_VALID_TO, AdminUnit, Level
from langso.places.testing import make_commune, make_village

from ..conftest import Tree, csv_file, xlsx_file

pytestmark = pytest.mark.django_db


def url(name: str, *args: str) -> str:
    return reverse(f"places:{name}", args=args)


# --- creating and editing -------------------------------------------------------------


def test_officer_adds_a_village_to_their_commune(tree: Tree, officer_a: User) -> None:
    """The form creates the village and returns to the commune with a message."""
    client = client_for(officer_a)
    assert client.get(url("village-create", tree.a.code)).status_code == 200
    response = client.post(
        url("village-create", tree.a.code),
        {"code": "09", "name": "Thôn Chín", "kind": "thon", "lat": "20.3", "lon": "105.9"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("unit-detail", tree.a.code)
    assert "Đã thêm Thôn Chín." in response.content.decode()
    assert AdminUnit.objects.get(code="37001-09").name == "Thôn Chín"


def test_service_errors_are_shown_next_to_their_fields(tree: Tree, officer_a: User) -> None:
    """A code already in use and a latitude outside Vietnam are shown on the form."""
    response = client_for(officer_a).post(
        url("village-create", tree.a.code),
        {"code": "01", "name": "Thôn Mới", "kind": "thon", "lat": "50", "lon": "105"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Xã đã có thôn mã “01”." in form.errors["code"]
    assert "ngoài lãnh thổ Việt Nam" in form.errors["lat"][0]


def test_officer_of_commune_a_cannot_create_edit_or_import_in_commune_b(
    tree: Tree, officer_a: User
) -> None:
    """Every page for commune B answers 403 to commune A's officer, to GET and POST, and
    nothing is written. The 403 names neither the village nor the commune."""
    client = client_for(officer_a)
    village = tree.villages(tree.b)[0]
    before = tree.snapshot()
    responses = [
        client.get(url("village-create", tree.b.code)),
        client.post(
            url("village-create", tree.b.code), {"code": "09", "name": "X", "kind": "thon"}
        ),
        client.get(url("village-import", tree.b.code)),
        client.post(
            url("village-import", tree.b.code),
            {"file": csv_file([["09", "Thôn X", "Thôn", "", ""]])},
        ),
        client.get(url("village-edit", village.code)),
        client.post(url("village-edit", village.code), {"name": "Thôn Chiếm", "kind": "thon"}),
    ]
    assert [r.status_code for r in responses] == [403] * 6
    for response in responses:
        content = response.content.decode()
        assert village.name not in content
        assert tree.b.name not in content
    assert tree.snapshot() == before


def test_anonymous_users_are_sent_to_sign_in(tree: Tree) -> None:
    """Writes need a signed-in user; so does the template."""
    client = Client()
    for target in (
        url("village-create", tree.a.code),
        url("village-import", tree.a.code),
        url("village-edit", "37001-01"),
        url("village-template"),
        url("commune-group", tree.a.code),
        url("boundary-import"),
    ):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_officer_edits_a_village_of_their_commune(tree: Tree, officer_a: User) -> None:
    """The edit form is filled with the village's values and saves the new ones."""
    client = client_for(officer_a)
    village = tree.villages(tree.a)[0]
    page = client.get(url("village-edit", village.code))
    assert page.context["form"].initial["name"] == village.name
    response = client.post(
        url("village-edit", village.code),
        {"name": "Xóm Trại", "kind": "xom", "lat": "", "lon": ""},
    )
    assert response.status_code == 302
    village.refresh_from_db()
    assert (village.name, village.kind, village.code) == ("Xóm Trại", "xom", "37001-01")


def test_unknown_codes_are_not_found(tree: Tree, officer_a: User) -> None:
    """A code that is no unit, or a commune code on the village page, is a 404."""
    client = client_for(officer_a)
    assert client.get(url("village-create", "99999")).status_code == 404
    assert client.get(url("village-edit", tree.a.code)).status_code == 404


def test_units_no_longer_in_force_are_not_found(tree: Tree, central_admin: User) -> None:
    """A commune or village abolished in 2025 can no longer change: its village, import
    and commune-group pages are a 404, even for a central admin, and nothing is written."""
    old_commune = make_commune(
        province=tree.province, code="37999", name="Xã Cũ", valid_to=LEGACY_VALID_TO
    )
    old_village = make_village(commune=old_commune, code="37999-01", name="Thôn Cũ")
    client = client_for(central_admin)
    responses = [
        client.get(url("village-create", old_commune.code)),
        client.post(
            url("village-create", old_commune.code), {"code": "09", "name": "X", "kind": "thon"}
        ),
        client.get(url("village-import", old_commune.code)),
        client.get(url("village-edit", old_village.code)),
        client.post(url("village-edit", old_village.code), {"name": "Thôn Mới", "kind": "thon"}),
        client.get(url("commune-group", old_commune.code)),
        client.post(url("commune-group", old_commune.code), {"group": "NHOM_1"}),
    ]
    assert [r.status_code for r in responses] == [404] * 7
    old_commune.refresh_from_db()
    old_village.refresh_from_db()
    assert (old_commune.commune_group, old_village.name) == ("", "Thôn Cũ")
    assert not AdminUnit.objects.filter(code="37999-09").exists()


def test_unit_page_links_to_edit_only_for_managers(tree: Tree, officer_a: User) -> None:
    """A village's page shows "Sửa" to its commune's officers, not to others."""
    client = client_for(officer_a)
    own, other = tree.villages(tree.a)[0], tree.villages(tree.b)[0]
    assert (
        url("village-edit", own.code) in client.get(url("unit-detail", own.code)).content.decode()
    )
    assert (
        url("village-edit", other.code)
        not in client.get(url("unit-detail", other.code)).content.decode()
    )
    commune_page = client.get(url("unit-detail", tree.a.code)).content.decode()
    assert url("village-create", tree.a.code) in commune_page
    assert url("village-import", tree.a.code) in commune_page


# --- importing ------------------------------------------------------------------------


@pytest.fixture
def uploads(settings: Any, tmp_path: Path) -> Path:
    """Where uploads wait for their job."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "imports"


CaptureOnCommit = Callable[..., AbstractContextManager[object]]


def _import(
    client: Client, commune: AdminUnit, upload: SimpleUploadedFile, capture: CaptureOnCommit
) -> tuple[Job, str]:
    """Upload a file; the job runs once the request's writes commit (tests run tasks at
    once). The job and the text of its page."""
    with capture(execute=True):
        response = client.post(url("village-import", commune.code), {"file": upload})
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    return job, client.get(response["Location"]).content.decode()


def test_upload_is_stored_for_a_job_and_never_read_in_the_request(
    tree: Tree, officer_a: User, uploads: Path
) -> None:
    """The upload is saved for a background job and the officer is sent to its progress
    page: the request reads no row and writes no village."""
    before = tree.snapshot()
    response = client_for(officer_a).post(
        url("village-import", tree.a.code),
        {"file": csv_file([["10", "Ấp Mười", "ap", "", ""]])},
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert (job.kind, job.status) == ("places.village_import", Job.Status.QUEUED)
    assert [p.suffix for p in uploads.iterdir()] == [".csv"]
    assert tree.snapshot() == before


def test_csv_import_reports_counts(
    tree: Tree,
    officer_a: User,
    uploads: Path,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    """A good CSV creates and updates villages; the job page gives the counts, and the
    stored upload is deleted."""
    upload = csv_file(
        [["01", "Thôn Đông", "Thôn", "", ""], ["10", "Ấp Mười", "ap", "10.5", "106.7"]]
    )
    job, page = _import(client_for(officer_a), tree.a, upload, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert "Đã nhập tệp: 1 thôn mới, 1 thôn cập nhật, 0 thôn không đổi." in page
    assert [v.name for v in tree.villages(tree.a)] == [
        "Thôn Đông",
        tree.villages(tree.a)[1].name,
        "Ấp Mười",
    ]
    assert list(uploads.iterdir()) == []


def test_rejected_xlsx_lists_every_bad_row_and_saves_nothing(
    tree: Tree,
    officer_a: User,
    uploads: Path,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    """A bad XLSX is refused whole: the job page lists each bad row with its number,
    column and reason, says nothing was written, and the stored villages are unchanged."""
    before = tree.snapshot()
    upload = xlsx_file(
        [
            ["11", "Thôn Mười Một", "Thôn", None, None],
            [None, "Thôn Không Mã", "Thôn", None, None],
            ["12", "Thôn Mười Hai", "Phường", None, None],
            ["13", "Thôn Mười Ba", "Thôn", 99, 105],
        ]
    )
    job, page = _import(client_for(officer_a), tree.a, upload, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED
    assert "không có dòng nào được ghi" in page
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "Mã thôn"),
        (4, "Loại"),
        (5, "Vĩ độ"),
    ]
    for error in job.errors:
        assert f"<td>{error['row']}</td><td>{error['column']}</td>" in page
    assert "Loại “Phường” không hợp lệ" in page
    assert tree.snapshot() == before


def test_file_errors_are_shown_on_the_job_page(
    tree: Tree,
    officer_a: User,
    uploads: Path,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    """A file missing columns fails its job, each missing column named on row 1."""
    upload = csv_file([["01"]], header=["Mã thôn"])
    job, _page = _import(client_for(officer_a), tree.a, upload, django_capture_on_commit_callbacks)
    assert [(e["row"], e["column"]) for e in job.errors] == [(1, "Tên thôn"), (1, "Loại")]


def test_an_oversized_or_foreign_file_is_refused_on_the_form_before_it_is_stored(
    tree: Tree, officer_a: User, uploads: Path
) -> None:
    """A file over the 5 MB limit, or not CSV or XLSX, is refused on the form, naming the
    limit; nothing is stored and no job is made."""
    client = client_for(officer_a)
    big = SimpleUploadedFile("thon.csv", b"x" * (5 * 1024 * 1024 + 1))
    response = client.post(url("village-import", tree.a.code), {"file": big})
    assert response.status_code == 200
    assert "lớn hơn 5 MB" in response.context["form"].errors["file"][0]
    response = client.post(
        url("village-import", tree.a.code), {"file": SimpleUploadedFile("thon.xls", b"\xd0")}
    )
    assert "CSV hoặc XLSX" in response.context["form"].errors["file"][0]
    assert not Job.objects.exists()
    assert not uploads.exists()


def test_a_request_declaring_more_than_the_limit_is_refused_before_it_is_read(
    tree: Tree, officer_a: User, uploads: Path
) -> None:
    """An upload declaring a length far past the 5 MB limit answers 413, naming the
    limit; nothing is stored and no job is made."""
    response = client_for(officer_a).post(
        url("village-import", tree.a.code),
        {"file": csv_file([["10", "Ấp Mười", "ap", "", ""]])},
        CONTENT_LENGTH=str(400 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "lớn hơn 5 MB" in response.content.decode()
    assert not Job.objects.exists()
    assert not uploads.exists()


def test_template_downloads_for_any_signed_in_user(tree: Tree, nobody: User) -> None:
    """The XLSX template needs no role; its header is the import's."""
    response = client_for(nobody).get(url("village-template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-thon.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["Mã thôn", "Tên thôn", "Loại", "Vĩ độ", "Kinh độ"]


# --- commune group and boundaries ------------------------------------------------------


def test_province_officer_sets_the_commune_group(tree: Tree, province_officer: User) -> None:
    client = client_for(province_officer)
    assert client.get(url("commune-group", tree.a.code)).status_code == 200
    response = client.post(url("commune-group", tree.a.code), {"group": "NHOM_3"})
    assert response.status_code == 302
    tree.a.refresh_from_db()
    assert tree.a.commune_group == "NHOM_3"


def test_commune_officer_cannot_set_the_group(tree: Tree, officer_a: User) -> None:
    client = client_for(officer_a)
    assert client.get(url("commune-group", tree.a.code)).status_code == 403
    assert client.post(url("commune-group", tree.a.code), {"group": "NHOM_1"}).status_code == 403
    tree.a.refresh_from_db()
    assert tree.a.commune_group == ""


def test_boundary_upload_runs_a_job_and_shows_its_outcome(
    tree: Tree,
    province_officer: User,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:
    """The upload is saved under MEDIA_ROOT/imports/, a job runs it, and the job page
    shows how it went (tests run tasks immediately)."""
    capture_on_commit = django_capture_on_commit_callbacks
    ring = [[105.9, 20.2], [105.95, 20.2], [105.95, 20.25], [105.9, 20.25], [105.9, 20.2]]
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"ma_xa": "37001"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    upload = SimpleUploadedFile("xa.geojson", json.dumps(data).encode())
    client = client_for(province_officer)
    assert client.get(url("boundary-import")).status_code == 200
    # The task is enqueued once the request's writes are committed.
    with override_settings(MEDIA_ROOT=tmp_path), capture_on_commit(execute=True):
        response = client.post(
            url("boundary-import"),
            {"file": upload, "level": Level.COMMUNE, "code_field": "ma_xa"},
        )
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert "1 đơn vị cập nhật" in client.get(response["Location"]).content.decode()
    assert [p.suffix for p in (tmp_path / "imports").iterdir()] == [".geojson"]
    tree.a.refresh_from_db()
    assert tree.a.boundary is not None


def test_boundary_upload_is_refused_to_those_who_may_import_nowhere(
    tree: Tree, officer_a: User, tmp_path: Path
) -> None:
    """A commune officer may not even upload a boundary file: GDAL never parses it and no
    job is made."""
    client = client_for(officer_a)
    assert client.get(url("boundary-import")).status_code == 403
    with override_settings(MEDIA_ROOT=tmp_path):
        response = client.post(
            url("boundary-import"),
            {"file": csv_file([]), "level": Level.COMMUNE, "code_field": "ma_xa"},
        )
    assert response.status_code == 403
    assert not Job.objects.exists()
    assert not (tmp_path / "imports").exists()


def test_boundary_upload_refuses_other_formats(tree: Tree, province_officer: User) -> None:
    response = client_for(province_officer).post(
        url("boundary-import"),
        {"file": csv_file([]), "level": Level.COMMUNE, "code_field": "ma_xa"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Job.objects.exists()
