"""The training pages: every route signs the reader in and answers only within their
scope; officers record attendance, residents and certificates through them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from langso.accounts.testing import client_for
from langso.core.models import Job
from langso.core.testing import assert_refused_as_missing, xlsx_upload
from langso.plans.models import Attendance, ResidentAttendance, Session
from langso.plans.services.training import (
    IMPORT_COLUMNS,
    attendance_record,
    certificate_set,
    resident_attendance_set,
)
from langso.plans.tests.training_world import TrainingWorld


@pytest.fixture
def world(db: None) -> TrainingWorld:
    return TrainingWorld.make()


@pytest.fixture
def session(world: TrainingWorld) -> Session:
    """A session of commune A, with A's officer on its list."""
    session = world.session()
    attendance_record(actor=world.province_officer, session=session, users=[world.officer_a])
    return session


def _routes(session: Session) -> dict[str, tuple[str, str]]:
    """Each route of a session or its attendance, with its method."""
    attendance = session.attendances.get()
    return {
        "training-course": ("get", reverse("plans:training-course", args=[session.course_id])),
        "training-session": ("get", reverse("plans:training-session", args=[session.pk])),
        "training-import": ("get", reverse("plans:training-import", args=[session.pk])),
        "training-attendance-add": (
            "post",
            reverse("plans:training-attendance-add", args=[session.pk]),
        ),
        "training-residents": ("post", reverse("plans:training-residents", args=[session.pk])),
        "training-attendance-withdraw": (
            "post",
            reverse("plans:training-attendance-withdraw", args=[attendance.pk]),
        ),
        "training-certificate-set": (
            "post",
            reverse("plans:training-certificate-set", args=[attendance.pk]),
        ),
    }


def test_every_route_sends_anonymous_readers_to_sign_in(session: Session) -> None:
    routes = {
        **_routes(session),
        "training": ("get", reverse("plans:training")),
        "training-course-create": ("get", reverse("plans:training-course-create")),
    }
    for name, (method, url) in routes.items():
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


def test_out_of_scope_officers_get_not_found_on_every_route(
    world: TrainingWorld, session: Session
) -> None:
    """Commune B's officer finds nothing of commune A's session, its course or list;
    nothing is written."""
    client = client_for(world.officer_b)
    for name, (method, url) in _routes(session).items():
        assert getattr(client, method)(url).status_code == 404, name
    assert Attendance.objects.count() == 1
    home = client.get(reverse("plans:training")).content.decode()
    assert "Chuyển đổi số cho cán bộ" not in home


@pytest.mark.parametrize("who", ["officer_a", "province_officer"])
def test_commune_and_province_officers_read_the_pages(
    world: TrainingWorld, session: Session, who: str
) -> None:
    client = client_for(getattr(world, who))
    home = client.get(reverse("plans:training"))
    assert home.status_code == 200
    assert "Chuyển đổi số cho cán bộ" in home.content.decode()
    assert client.get(reverse("plans:training-course-create")).status_code == 200
    for name, (method, url) in _routes(session).items():
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200, name
    page = client.get(reverse("plans:training-session", args=[session.pk])).content.decode()
    assert "Cán bộ xã" in page
    assert "commune_officer" not in page


def test_a_team_member_reads_but_keeps_no_records(world: TrainingWorld, session: Session) -> None:
    """A team member of village A1 sees no commune session (held above the village)
    and may create no course."""
    client = client_for(world.team_member_a1)
    assert client.get(reverse("plans:training-course-create")).status_code == 403
    assert client.get(reverse("plans:training-session", args=[session.pk])).status_code == 404


def test_the_picker_finds_people_of_the_scope_only(world: TrainingWorld, session: Session) -> None:
    """Searching from commune A finds A's team member, not B's officer."""
    client = client_for(world.officer_a)
    url = reverse("plans:training-session", args=[session.pk])
    found = client.get(url, {"q": "Cán bộ"}).content.decode()
    assert "to_a1" in found
    assert "xa_b" not in found
    response = client.post(
        reverse("plans:training-attendance-add", args=[session.pk]),
        {"people": [world.team_member_a1.pk, world.officer_b.pk], "attended": "1"},
    )
    assert response.status_code == 302
    assert Attendance.objects.count() == 1
    client.post(
        reverse("plans:training-attendance-add", args=[session.pk]),
        {"people": [world.team_member_a1.pk], "attended": "1"},
    )
    assert set(Attendance.objects.values_list("user__username", flat=True)) == {"xa_a", "to_a1"}


def test_residents_are_counted_from_the_page(world: TrainingWorld, session: Session) -> None:
    client_for(world.officer_a).post(
        reverse("plans:training-residents", args=[session.pk]),
        {"village": world.a1.pk, "residents": "14", "topic": ""},
    )
    assert list(ResidentAttendance.objects.values_list("village_id", "residents")) == [
        (world.a1.pk, 14)
    ]


def test_a_course_and_a_session_are_created_from_the_pages(world: TrainingWorld) -> None:
    client = client_for(world.officer_a)
    response = client.post(
        reverse("plans:training-course-create"),
        {"topic": "Kỹ năng số", "audience": "residents", "organiser": world.units.a.code},
    )
    assert response.status_code == 302
    response = client.post(
        response["Location"],
        {
            "unit": world.a1.code,
            "starts_on": "2026-05-02",
            "ends_on": "2026-05-01",
            "place": "Nhà văn hoá",
        },
    )
    assert response.status_code == 200
    assert "Ngày kết thúc trước ngày bắt đầu." in response.content.decode()
    assert not Session.objects.exists()


@pytest.fixture
def import_file(
    world: TrainingWorld,
    session: Session,
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
) -> Callable[[list[list[str]]], Job]:
    """Send rows as an XLSX file to the session's import page as commune A's officer,
    run the job it starts, and return it."""
    settings.MEDIA_ROOT = tmp_path

    def send(rows: list[list[str]]) -> Job:
        upload = xlsx_upload(rows, header=list(IMPORT_COLUMNS.values()))
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(world.officer_a).post(
                reverse("plans:training-import", args=[session.pk]), {"file": upload}
            )
        job = Job.objects.get()
        assert response["Location"] == reverse("core:job-detail", args=[job.pk])
        return job

    return send


def test_the_import_lists_every_bad_row(import_file: Callable[[list[list[str]]], Job]) -> None:
    """A file naming someone outside the scope fails its job with the row."""
    job = import_file([["to_a1", "có", ""], ["xa_b", "có", ""]])
    assert job.status == Job.Status.FAILED
    assert [error["row"] for error in job.errors] == [3]
    assert Attendance.objects.count() == 1


def test_an_import_records_the_list_in_the_background(
    import_file: Callable[[list[list[str]]], Job], tmp_path: Any
) -> None:
    """A good file is recorded by its job, which says how many people it recorded, and
    the stored upload is gone."""
    job = import_file([["to_a1", "có", "CC-7"], ["xa_a", "không", ""]])
    assert job.status == Job.Status.SUCCEEDED
    assert "2" in job.message
    assert set(
        Attendance.objects.values_list("user__username", "attended", "certificate_number")
    ) == {("to_a1", True, "CC-7"), ("xa_a", False, "")}
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_a_certificate_is_sent_to_its_holder_and_the_scope_only(
    world: TrainingWorld, session: Session, settings: Any, tmp_path: Any
) -> None:
    """The holder reads their own certificate even where the session lies outside their
    scope (a team member of a village, at a commune's session)."""
    settings.MEDIA_ROOT = tmp_path
    (attendance,) = attendance_record(
        actor=world.officer_a, session=session, users=[world.team_member_a1]
    )
    scan = SimpleUploadedFile("chung-chi.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    certificate_set(actor=world.province_officer, attendance=attendance, number="CC-1", upload=scan)
    url = reverse("plans:training-certificate", args=[attendance.pk])
    for reader in (world.team_member_a1, world.officer_a, world.province_officer):
        response = client_for(reader).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]  # a FileResponse
    assert_refused_as_missing(
        route="plans:training-certificate", pk=attendance.pk, outsider=world.officer_b
    )


def test_the_session_page_reads_in_english(
    world: TrainingWorld, session: Session, settings: Any
) -> None:
    """Every label of the session page has its English entry."""
    client = client_for(world.officer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("plans:training-session", args=[session.pk])).content.decode()
    assert "Attendance list" in page
    assert "Residents trained by village" in page
    assert "Danh sách tham dự" not in page


def test_the_pages_cost_the_same_queries_with_more_sessions_and_people(
    world: TrainingWorld, session: Session
) -> None:
    """The training home and a session page read a fixed number of queries however
    many sessions, attendees and villages counted there are."""
    client = client_for(world.officer_a)
    pages = [reverse("plans:training"), reverse("plans:training-session", args=[session.pk])]

    def cost() -> list[int]:
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries.captured_queries))
        return counts

    budget = cost()
    for _ in range(3):
        world.session()
    attendance_record(
        actor=world.officer_a, session=session, users=[world.team_member_a1], attended=False
    )
    for village in world.units.ninh_binh.villages_of(world.units.a):
        resident_attendance_set(
            actor=world.officer_a, session=session, village=village, residents=4
        )
    assert cost() == budget
