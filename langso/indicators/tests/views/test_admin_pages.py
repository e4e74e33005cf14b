"""The indicator pages of central admins and officers: the list, a definition edited
as YAML into a new version (bad YAML and bad definitions shown with the reason), a
period closed, and reported values imported from a file with every bad row listed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from langso.accounts.testing import client_for
from langso.core.models import Job
from langso.indicators.definitions import definition_yaml
from langso.indicators.models import IndicatorDefinition, Period, ReportedValue
from langso.indicators.selectors import indicator_get
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db


def test_the_list_shows_every_indicator(users: RegistryUsers, definitions: None) -> None:
    html = client_for(users.officer_a).get("/chi-so/").content.decode()
    assert "adults-epayment" in html
    assert "Thêm chỉ số" not in html
    assert "Thêm chỉ số" in client_for(users.central_admin).get("/chi-so/").content.decode()


def test_a_central_admin_edits_a_definition_into_a_new_version(
    users: RegistryUsers, definitions: None
) -> None:
    current = indicator_get(code="adults-vneid")
    text = definition_yaml(current.spec).replace("Tỷ lệ người", "Tỷ lệ người dân")
    client = client_for(users.central_admin)
    response = client.post("/chi-so/adults-vneid/", {"text": text})
    assert response.status_code == 302
    assert indicator_get(code="adults-vneid").version == 2
    page = client.get("/chi-so/adults-vneid/").content.decode()
    assert "v2" in page
    assert "v1" in page


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("code: adults-vneid\nname_vi: [unclosed\n", "dòng"),
        ("- just\n- a list\n", "khoá: giá trị"),
    ],
)
def test_bad_yaml_is_shown_with_the_reason(
    users: RegistryUsers, definitions: None, text: str, reason: str
) -> None:
    response = client_for(users.central_admin).post("/chi-so/adults-vneid/", {"text": text})
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert indicator_get(code="adults-vneid").version == 1


def test_a_bad_definition_is_shown_with_the_field(users: RegistryUsers, definitions: None) -> None:
    text = definition_yaml(indicator_get(code="adults-vneid").spec).replace(
        "sum: adults_vneid", "sum: adults_vnied"
    )
    response = client_for(users.central_admin).post("/chi-so/adults-vneid/", {"text": text})
    assert "adults_vnied" in response.content.decode()
    assert IndicatorDefinition.objects.filter(code="adults-vneid").count() == 1


def test_only_a_central_admin_saves_a_definition(users: RegistryUsers, definitions: None) -> None:
    text = definition_yaml(indicator_get(code="adults-vneid").spec)
    response = client_for(users.province_officer).post(
        "/chi-so/adults-vneid/", {"text": text + " "}
    )
    assert response.status_code == 403


def test_a_central_admin_closes_a_period_in_the_background(
    users: RegistryUsers, definitions: None, django_capture_on_commit_callbacks: Any
) -> None:
    last_year = str(timezone.localdate().year - 1)
    client = client_for(users.central_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/chi-so/chot-ky/", {"period": last_year})
    job = Job.objects.get()
    assert response["Location"] == f"/cong-viec/{job.pk}/"
    assert job.status == Job.Status.SUCCEEDED
    assert Period.objects.get(code=last_year).closed_at is not None
    # Closing it again is refused at once, with the reason, and queues nothing.
    again = client.post("/chi-so/chot-ky/", {"period": last_year}, follow=True)
    assert "đã chốt" in again.content.decode()
    assert Job.objects.count() == 1
    refused = client_for(users.province_officer).post("/chi-so/chot-ky/", {"period": "2024"})
    assert refused.status_code == 403


def test_a_refused_close_is_the_403_page_without_the_reason(
    users: RegistryUsers, definitions: None
) -> None:
    """A province officer may not close a period: the 403 page, which (as every refusal)
    does not repeat the service's reason, and no job is queued."""
    refused = client_for(users.province_officer).post("/chi-so/chot-ky/", {"period": "2024"})
    assert refused.status_code == 403
    assert "Chỉ quản trị trung ương" not in refused.content.decode()
    assert not Job.objects.exists()


@pytest.fixture
def uploads(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "imports"


def test_an_import_is_queued_as_a_job_and_never_read_in_the_request(
    tree: RegistryTree, users: RegistryUsers, definitions: None, uploads: Path
) -> None:
    """The upload is stored for a background job and the officer is sent to its page;
    the request stores no value."""
    content = f"Mã đơn vị,Tử số,Mẫu số\n{tree.a.code},3,4\n"
    response = client_for(users.province_officer).post(
        "/chi-so/work-records-online-commune/nhap-tep/",
        {"period": "2026", "file": SimpleUploadedFile("so-lieu.csv", content.encode())},
    )
    job = Job.objects.get()
    assert response["Location"] == f"/cong-viec/{job.pk}/"
    assert (job.kind, job.status) == ("indicators.reported_import", Job.Status.QUEUED)
    assert [p.suffix for p in uploads.iterdir()] == [".csv"]
    assert not ReportedValue.objects.exists()


@pytest.mark.usefixtures("uploads")
def test_an_import_lists_every_bad_row_on_its_job_and_writes_nothing(
    tree: RegistryTree,
    users: RegistryUsers,
    definitions: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A file with bad rows fails its job; the job page names each bad row and why, and
    no value is stored. A good file then stores its values."""
    client = client_for(users.province_officer)
    content = f"Mã đơn vị,Tử số,Mẫu số\n{tree.a.code},3,4\nXYZ,1,2\n{tree.b.code},5,4\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/chi-so/work-records-online-commune/nhap-tep/",
            {"period": "2026", "file": SimpleUploadedFile("so-lieu.csv", content.encode())},
        )
    job = Job.objects.get()
    html = client.get(response["Location"]).content.decode()
    assert job.status == Job.Status.FAILED
    assert [e["row"] for e in job.errors] == [3, 4]
    assert "XYZ" in html
    assert "lớn hơn mẫu số" in html
    assert not ReportedValue.objects.exists()
    good = f"Mã đơn vị,Tử số,Mẫu số\n{tree.a.code},3,4\n"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/chi-so/work-records-online-commune/nhap-tep/",
            {"period": "2026", "file": SimpleUploadedFile("so-lieu.csv", good.encode())},
        )
    assert Job.objects.get(pk__gt=job.pk).message == "Đã nhập 1 giá trị cho kỳ 2026."
    assert ReportedValue.objects.count() == 1


def test_an_oversized_import_is_refused_on_the_form(
    users: RegistryUsers, definitions: None, uploads: Path
) -> None:
    """A file over 5 MB is refused on the form, naming the limit; no job is made."""
    big = SimpleUploadedFile("so-lieu.csv", b"x" * (5 * 1024 * 1024 + 1))
    response = client_for(users.province_officer).post(
        "/chi-so/work-records-online-commune/nhap-tep/", {"period": "2026", "file": big}
    )
    assert "lớn hơn 5 MB" in response.content.decode()
    assert not Job.objects.exists()
    assert not uploads.exists()


def test_a_central_admin_starts_a_rebuild_and_follows_its_job(
    users: RegistryUsers, definitions: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(users.central_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/chi-so/tinh-lai/")
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == f"/cong-viec/{job.pk}/"
    assert job.kind == "indicators.household_aggregates_rebuild"
    assert job.status == Job.Status.SUCCEEDED
    assert client_for(users.province_officer).post("/chi-so/tinh-lai/").status_code == 403
