"""The import page (upload → job → progress and every bad row), the template download,
and the export of the reader's scope."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from langso.accounts.testing import client_for
from langso.core.models import Job
from langso.registry.models import Household
from langso.registry.services.imports import household_import_rows
from langso.registry.testing import RegistryTree, RegistryUsers, csv_upload, read, row, transfer
from langso.registry.views import transfer as transfer_views


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _content(response: Any) -> bytes:
    """The body of a streamed response."""
    return b"".join(response.streaming_content)


def _upload(
    client: Client,
    upload: SimpleUploadedFile,
    capture: Callable[..., Any],
    registry: str = "household",
    **data: Any,
) -> Any:
    with capture(execute=True):
        return client.post(reverse("registry:import", args=[registry]), {"file": upload, **data})


def test_the_import_page_lists_the_columns_and_the_template(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    response = client_for(users.officer_a).get(reverse("registry:import", args=["household"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mã thôn *" in page
    assert reverse("registry:import-template", args=["household"]) in page
    assert tree.a.name in page


def test_only_those_who_keep_registries_may_upload(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    url = reverse("registry:import", args=["household"])
    assert client_for(users.nobody).get(url).status_code == 403
    assert client_for(users.digital_team_a).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    assert (
        client_for(users.officer_a).get(reverse("registry:import", args=["ghe"])).status_code == 404
    )


def test_a_good_file_is_imported_by_a_job_and_the_file_is_removed(
    tree: RegistryTree,
    users: RegistryUsers,
    media: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Upload → a job (run here by the immediate backend) → its page; the households are
    written and the stored file, personal data, deleted."""
    upload = csv_upload("household", [row(village=tree.a1.code, members="3")] * 3)
    response = _upload(client_for(users.officer_a), upload, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["created"] == 3
    assert Household.objects.count() == 3
    assert list((media / "imports").iterdir()) == []
    page = client_for(users.officer_a).get(response["Location"]).content.decode()
    assert "3 mới" in page


def test_a_bad_file_fails_the_job_and_its_page_lists_every_bad_row(
    tree: RegistryTree,
    users: RegistryUsers,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    upload = csv_upload(
        "household",
        [
            row(village=tree.a1.code, members="3"),
            row(village=tree.b1.code, members="2"),
            row(village=tree.a1.code, members="2", adults="5"),
        ],
    )
    client = client_for(users.officer_a)
    response = _upload(client, upload, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "Mã thôn"),
        (4, "Số người từ 15 tuổi"),
    ]
    assert not Household.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Số người từ 15 tuổi" in page
    assert "nằm ngoài phạm vi bạn được quản lý" in page


def test_the_chosen_unit_bounds_the_file(
    tree: RegistryTree,
    users: RegistryUsers,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """A province officer importing for commune A: a row in commune B is refused."""
    upload = csv_upload("household", [row(village=tree.b1.code)])
    _upload(
        client_for(users.province_officer),
        upload,
        django_capture_on_commit_callbacks,
        unit=str(tree.province.pk),
    )
    assert Job.objects.get().status == Job.Status.SUCCEEDED
    upload = csv_upload("household", [row(village=tree.b1.code, members="1")])
    response = client_for(users.officer_a).post(
        reverse("registry:import", args=["household"]),
        {"file": upload, "unit": str(tree.b.pk)},
    )
    # Commune B is not among commune A's officer's choices.
    assert response.status_code == 200
    assert Job.objects.count() == 1


def test_an_oversized_file_is_refused_before_it_is_stored(
    tree: RegistryTree,
    users: RegistryUsers,
    media: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(transfer_views, "MAX_FILE_BYTES", 100)
    upload = csv_upload("household", [row(village=tree.a1.code, street="x" * 200)])
    response = client_for(users.officer_a).post(
        reverse("registry:import", args=["household"]), {"file": upload}
    )
    assert response.status_code == 200
    assert "lớn hơn" in response.content.decode()
    assert not Job.objects.exists()
    assert not (media / "imports").exists()


def test_the_template_is_an_xlsx_with_the_import_headers(users: RegistryUsers) -> None:
    response = client_for(users.officer_a).get(
        reverse("registry:import-template", args=["cooperative"])
    )
    assert response.status_code == 200
    assert "mau-nhap-hop-tac-xa.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(transfer("cooperative").headers.values())


def test_the_csv_export_streams_the_readers_scope_and_imports_again(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_import_rows(
        actor=users.province_officer,
        rows=[
            row(village=tree.a1.code, head_name="Đỗ Thị Mai", lat="20.25", lon="105.95"),
            row(village=tree.b1.code),
        ],
    )
    response = client_for(users.officer_a).get(reverse("registry:export", args=["household"]))
    assert response.status_code == 200
    assert response.streaming
    content = _content(response)
    assert content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[0] == list(transfer("household").headers.values())
    assert len(lines) == 2
    assert "Đỗ Thị Mai" in lines[1]
    table = read("household", SimpleUploadedFile("xuat.csv", content))
    report = household_import_rows(actor=users.officer_a, rows=table)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)


def test_the_xlsx_export_and_a_unit_outside_the_scope(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_import_rows(actor=users.province_officer, rows=[row(village=tree.a1.code)])
    client = client_for(users.officer_a)
    url = reverse("registry:export", args=["household"])
    response = client.get(url, {"format": "xlsx", "unit": tree.a1.code})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(_content(response))).worksheets[0]
    assert sheet.max_row == 2
    assert client.get(url, {"unit": tree.b.code}).status_code == 404
    assert client.get(url, {"unit": "99999"}).status_code == 404
    assert client.get(url, {"format": "pdf"}).status_code == 404
    assert client_for(users.nobody).get(url).status_code == 403


def test_the_export_reads_a_fixed_number_of_queries(
    tree: RegistryTree,
    users: RegistryUsers,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    """One row or thirty across villages: the same queries (under one export batch)."""
    client = client_for(users.province_officer)
    url = reverse("registry:export", args=["household"])
    household_import_rows(actor=users.province_officer, rows=[row(village=tree.a1.code)])
    client.get(url)  # the session and the roles are read once per request

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            _content(response)
        return len(queries.captured_queries)

    one = count()
    villages = [tree.a1, tree.a2, tree.b1, tree.b2]
    household_import_rows(
        actor=users.province_officer,
        rows=[row(village=villages[n % 4].code, house_number=str(n)) for n in range(29)],
    )
    with django_assert_num_queries(one):
        response = client.get(url)
        assert len(_content(response).splitlines()) == 31


def test_the_unit_to_import_for_is_chosen_by_its_name(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """ "Nhập cho" lists the units the user keeps registries for by their Vietnamese names
    with the province's, never by their codes (issue 15, item 9)."""
    page = client_for(users.officer_a).get(reverse("registry:import", args=["household"]))
    html = page.content.decode()
    assert f">{tree.a.name}, {tree.province.name}</option>" in html
    assert f"({tree.a.code})" not in html
