"""registry_import_rows_task: reads the stored file, imports it, and records the outcome
on the job; the file is deleted whatever happens."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from langso.accounts.models import User
from langso.core.models import AuditEntry, Job
from langso.core.services import job_create
from langso.registry import bulk, tasks
from langso.registry.models import Cooperative
from langso.registry.tasks import registry_import_rows_task
from langso.registry.testing import RegistryTree, RegistryUsers, csv_upload, row


def _stored(tmp_path: Path, content: bytes, name: str = "htx.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _run(registry: str, path: Path, *, user: User) -> tuple[Job, dict[str, int]]:
    """Queue nothing: run the task as the worker would for a job of `user`'s, and give
    the job as it ends and the task's result."""
    job = job_create(kind=f"registry.import.{registry}", created_by=user)
    result = registry_import_rows_task.call(
        job_id=job.pk, actor_id=user.pk, registry=registry, path=str(path)
    )
    job.refresh_from_db()
    return job, result


def test_a_good_file_succeeds_with_its_counts(
    tree: RegistryTree, users: RegistryUsers, tmp_path: Path
) -> None:
    upload = csv_upload("cooperative", [row("cooperative", unit=tree.a1.code, name="HTX An")])
    path = _stored(tmp_path, upload.read())
    job, result = _run("cooperative", path, user=users.officer_a)
    assert job.status == Job.Status.SUCCEEDED
    assert result["created"] == job.result["created"] == 1
    assert "1 mới" in job.message
    assert Cooperative.objects.get().name == "HTX An"
    assert not path.exists()


def test_a_refused_file_fails_with_every_error(
    tree: RegistryTree, users: RegistryUsers, tmp_path: Path
) -> None:
    upload = csv_upload(
        "cooperative",
        [
            row("cooperative", unit=tree.b1.code, name="HTX B"),
            row("cooperative", unit=tree.a1.code),
        ],
    )
    path = _stored(tmp_path, upload.read())
    job, _ = _run("cooperative", path, user=users.officer_a)
    assert job.status == Job.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (2, "Mã thôn hoặc xã"),
        (3, "Tên"),
    ]
    assert not Cooperative.objects.exists()
    assert not path.exists()


def test_an_unreadable_file_or_a_locked_account_fails_the_job(
    tree: RegistryTree, users: RegistryUsers, tmp_path: Path
) -> None:
    path = _stored(tmp_path, b"\x81\x8a\x8d", "ho.csv")
    job, _ = _run("household", path, user=users.officer_a)
    assert job.status == Job.Status.FAILED
    assert "Windows-1258" in job.message
    users.officer_a.is_active = False
    users.officer_a.save()
    path = _stored(tmp_path, b"x", "ho.csv")
    job, _ = _run("household", path, user=users.officer_a)
    assert job.status == Job.Status.FAILED
    assert not path.exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_past_its_time_limit_fails_and_writes_nothing(
    tree: RegistryTree, users: RegistryUsers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import still running at its time limit (here writing the audit trail, after
    the rows were inserted, is made slow) fails with a message giving the limit; the rows
    inserted before are rolled back and the stored file is deleted."""
    monkeypatch.setattr(tasks, "REGISTRY_IMPORT_TIME_LIMIT", 0.5)
    insert_rows = bulk.insert_rows

    def slow_audit(model: Any, rows: Any, *args: Any, **kwargs: Any) -> Any:
        if model is AuditEntry:
            time.sleep(10)
        return insert_rows(model, rows, *args, **kwargs)

    monkeypatch.setattr(bulk, "insert_rows", slow_audit)
    upload = csv_upload("cooperative", [row("cooperative", unit=tree.a1.code, name="HTX An")])
    path = _stored(tmp_path, upload.read())
    job, _ = _run("cooperative", path, user=users.officer_a)
    assert job.status == Job.Status.FAILED
    assert "quá thời gian cho phép (0,5 giây)" in job.message
    assert not Cooperative.objects.exists()
    assert not path.exists()
