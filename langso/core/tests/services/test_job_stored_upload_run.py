"""The run of an import job on the upload stored for it: the work gets the job's user
and the file, the job fails saying why when the work is refused or the account is gone,
and the stored file is deleted however the job ends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files import File

from langso.core.actors import Actor
from langso.core.errors import DomainError, ImportRejected, RowError
from langso.core.models import Job
from langso.core.services import job_create, job_stored_upload_run

pytestmark = pytest.mark.django_db

Work = Callable[[Actor, File[bytes]], int]


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    path = tmp_path / "bang-abc.csv"
    path.write_bytes(b"Ma,Ten\n01,Dong\n")
    return path


def _run(stored: Path, work: Work, *, active: bool = True) -> tuple[int | None, Job]:
    """Run `work` on the stored file for a new officer's job; the outcome and the job."""
    officer: Any = get_user_model().objects.create_user(username="canbo", is_active=active)
    job = job_create(kind="test", created_by=officer)
    outcome = job_stored_upload_run(
        job_id=job.pk, actor_id=officer.pk, path=str(stored), seconds=60, work=work
    )
    job.refresh_from_db()
    return outcome, job


def test_the_work_reads_the_file_for_the_jobs_user_and_the_file_is_deleted(
    stored: Path,
) -> None:
    """The work is given the active user the job works for and the stored file, read
    from the start; its outcome is returned, the job shows that the file is being read,
    and the file is gone afterwards."""
    seen: list[tuple[str, str | None, bytes]] = []

    def work(actor: Actor, file: File[bytes]) -> int:
        username = get_user_model().objects.get(pk=actor.pk).get_username()
        seen.append((username, file.name, bytes(file.read())))
        return 7

    outcome, job = _run(stored, work)
    assert outcome == 7
    assert seen == [("canbo", "bang-abc.csv", b"Ma,Ten\n01,Dong\n")]
    assert (job.status, job.message) == (Job.Status.RUNNING, "Đang đọc tệp…")
    assert not stored.exists()


@pytest.mark.parametrize(
    ("refusal", "errors"),
    [
        (
            ImportRejected([RowError(2, "Mã", "Thiếu mã.")]),
            [{"row": 2, "column": "Mã", "reason": "Thiếu mã."}],
        ),
        (DomainError("Không có sổ đăng ký “x”."), []),
    ],
)
def test_a_refusal_fails_the_job_saying_why_and_the_file_is_deleted(
    stored: Path, refusal: DomainError, errors: list[dict[str, object]]
) -> None:
    """A refusal of the work fails the job with its message and any bad rows; the run
    answers None, and the stored file is deleted."""

    def work(actor: Actor, file: File[bytes]) -> int:
        raise refusal

    outcome, job = _run(stored, work)
    assert outcome is None
    assert (job.status, job.message, job.errors) == (Job.Status.FAILED, refusal.message, errors)
    assert not stored.exists()


def test_a_locked_account_fails_the_job_before_any_work_and_the_file_is_deleted(
    stored: Path,
) -> None:
    """When the account was locked after the job was queued, nothing is done for it:
    the work never runs, the job fails saying so, and the stored file is deleted."""

    def work(actor: Actor, file: File[bytes]) -> int:
        raise AssertionError("no work for a locked account")

    outcome, job = _run(stored, work, active=False)
    assert outcome is None
    assert job.status == Job.Status.FAILED
    assert "bị khoá" in job.message
    assert not stored.exists()


def test_an_unexpected_error_fails_the_job_rises_and_the_file_is_deleted(stored: Path) -> None:
    """A fault that is no refusal fails the job for the user and rises for the logs;
    the stored file is deleted all the same."""

    def work(actor: Actor, file: File[bytes]) -> int:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        _run(stored, work)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert not stored.exists()
