"""The quarterly report page: the officer queues "Tạo báo cáo quý", the job's bar
reaches its end, the report is listed with its PDF and XLSX; a quarter not ended is
refused on the form; a failure lists nothing and the job says so; anonymous readers
sign in, and another province's officer finds neither page, job nor files."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import make_role_holder
from langso.core.models import Job
from langso.criteria.services import criteria_catalogue_load
from langso.dashboards.models import QuarterlyReport
from langso.dashboards.services import report as service
from langso.places.testing import make_province
from langso.plans.services.plans import seed_plans_load
from langso.registry.services.households import household_create
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
PAGE = reverse("dashboards:report")
CaptureOnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def seeded(tree: RegistryTree, users: RegistryUsers, definitions: None) -> RegistryTree:
    criteria_catalogue_load()
    seed_plans_load(province=tree.province)
    household_create(
        actor=users.province_officer,
        village=tree.a1,
        values={"members": 4, "adults": 4, "adults_epayment": 3},
    )
    return tree


@pytest.fixture
def neighbour(db: None) -> User:
    """The officer of another province."""
    return make_role_holder(
        Role.PROVINCE_OFFICER, make_province(code="04", name="Tỉnh Cao Bằng"), "tinh.caobang"
    )


def _generate(
    client: Client, tree: RegistryTree, capture: CaptureOnCommit, quarter: str = "2026-Q3"
) -> Any:
    with capture(execute=True):
        return client.post(f"{PAGE}?unit={tree.province.code}", {"quarter": quarter})


def test_the_officer_generates_a_report_and_downloads_both_files(
    seeded: RegistryTree,
    users: RegistryUsers,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    client = client_for(users.province_officer)
    page = client.get(PAGE).content.decode()
    assert "Tạo báo cáo quý" in page
    assert '<option value="2026-Q3"' in page
    assert "Quý 3/2026" in page
    assert "Chưa có báo cáo nào." in page
    response = _generate(client, seeded, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="dashboards.quarterly_report")
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?unit={seeded.province.code}&job={job.pk}"
    assert (job.status, job.done, job.total, job.percent) == ("succeeded", 8, 8, 100)
    assert job.message == "Đã tạo báo cáo Quý 3/2026 của Tỉnh Ninh Bình."
    followed = client.get(response["Location"]).content.decode()
    assert 'value="100"' in followed
    report = QuarterlyReport.objects.get()
    assert f'href="{reverse("dashboards:report-file", args=[report.pk, "pdf"])}"' in followed
    assert str(users.province_officer) in followed
    assert report.generated_at.astimezone().strftime("%d/%m/%Y") in followed
    pdf = client.get(reverse("dashboards:report-file", args=[report.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert quote("Báo cáo Quý 3-2026 - Tỉnh Ninh Bình.pdf") in pdf["Content-Disposition"]
    xlsx = client.get(reverse("dashboards:report-file", args=[report.pk, "xlsx"]))
    assert xlsx["Content-Disposition"].startswith("attachment")
    assert b"".join(xlsx.streaming_content).startswith(b"PK")  # type: ignore[attr-defined]
    assert client.get(reverse("dashboards:report-file", args=[report.pk, "doc"])).status_code == 404


def test_a_quarter_not_ended_is_refused_on_the_form(
    seeded: RegistryTree,
    users: RegistryUsers,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    client = client_for(users.province_officer)
    response = _generate(client, seeded, django_capture_on_commit_callbacks, quarter="2099-Q1")
    assert response.status_code == 200
    assert "Quý 1/2099 chưa kết thúc (đến hết 31/03/2099)" in response.content.decode()
    assert not Job.objects.exists()


def test_a_failure_lists_no_report_and_the_job_says_so(
    seeded: RegistryTree,
    users: RegistryUsers,
    django_capture_on_commit_callbacks: CaptureOnCommit,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The XLSX fails after the PDF was made: nothing is stored, the job has failed
    with a message for the officer, its bar where it stopped."""

    def broken(content: service.ReportContent) -> bytes:
        raise RuntimeError("openpyxl broke")

    monkeypatch.setattr(service, "quarterly_report_xlsx", broken)
    client = client_for(users.province_officer)
    _generate(client, seeded, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.done == 6
    assert "Lỗi không mong đợi" in job.message
    assert not QuarterlyReport.objects.exists()
    page = client.get(f"{PAGE}?unit={seeded.province.code}&job={job.pk}").content.decode()
    assert "Lỗi không mong đợi" in page
    assert "Chưa có báo cáo nào." in page


def test_the_page_reads_as_many_queries_with_more_reports(
    seeded: RegistryTree,
    users: RegistryUsers,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    """Query budget: the list costs the same with one report or three, by two people."""
    client = client_for(users.province_officer)
    _generate(client, seeded, django_capture_on_commit_callbacks)
    url = f"{PAGE}?unit={seeded.province.code}"

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    budget = cost()
    stored = QuarterlyReport.objects.get()
    for author in (users.central_admin, users.province_officer):
        QuarterlyReport.objects.create(
            unit=seeded.province,
            quarter="2026-Q2",
            pdf=stored.pdf.name,
            xlsx=stored.xlsx.name,
            generated_by=author,
        )
    assert cost() == budget


def test_the_home_links_to_the_report_page(seeded: RegistryTree, users: RegistryUsers) -> None:
    home = client_for(users.province_officer).get("/").content.decode()
    assert f'href="{PAGE}?unit={seeded.province.code}"' in home


def test_anonymous_readers_sign_in_and_another_province_finds_nothing(
    seeded: RegistryTree,
    users: RegistryUsers,
    neighbour: User,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    _generate(client_for(users.province_officer), seeded, django_capture_on_commit_callbacks)
    report = QuarterlyReport.objects.get()
    job = Job.objects.get()
    files = [reverse("dashboards:report-file", args=[report.pk, kind]) for kind in ("pdf", "xlsx")]
    for url in [PAGE, *files]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))
    other = client_for(neighbour)
    assert other.get(PAGE).status_code == 200
    for url in [
        f"{PAGE}?unit={seeded.province.code}",
        f"{PAGE}?job={job.pk}",
        reverse("core:job-detail", args=[job.pk]),
        *files,
    ]:
        assert other.get(url).status_code == 404, url
    posted = other.post(f"{PAGE}?unit={seeded.province.code}", {"quarter": "2026-Q3"})
    assert posted.status_code == 404
    # A nationwide role is asked to choose its unit, and reads any province's.
    admin = client_for(users.central_admin)
    assert "Chọn một tỉnh hoặc một xã" in admin.get(PAGE).content.decode()
    assert admin.get(files[0]).status_code == 200
    # A commune officer reads neither the province's page nor its files.
    commune = client_for(users.officer_a)
    assert commune.get(f"{PAGE}?unit={seeded.province.code}").status_code == 404
    assert all(commune.get(url).status_code == 404 for url in files)
