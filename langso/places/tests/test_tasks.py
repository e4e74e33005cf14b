"""The village import job: the file is read and written in the worker, within a time
limit, and the stored upload is deleted however the job ends."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from langso.accounts.models import User
from langso.core.models import Job
from langso.core.services import audit_record, job_create
from langso.core.tabular import upload_store
from langso.places import tasks
from langso.places.services import villages

from .conftest import Tree, csv_file


@pytest.fixture
def stored(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    upload = csv_file([["10", "Ấp Mười", "ap", "", ""], ["11", "Ấp Mười Một", "ap", "", ""]])
    return upload_store(upload, prefix="thon")


def _run(officer: User, tree: Tree, path: Path) -> Job:
    job = job_create(kind="places.village_import", created_by=officer)
    tasks.village_import_rows_task.call(
        job_id=job.pk, actor_id=officer.pk, commune_id=tree.a.pk, path=str(path)
    )
    job.refresh_from_db()
    return job


@pytest.mark.django_db(transaction=True)
def test_an_import_past_its_time_limit_fails_and_writes_nothing(
    tree: Tree, officer_a: User, stored: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import still running at its time limit (here the writing of the audit trail is
    made slow, after the villages were inserted) fails with a message giving the limit,
    and the villages inserted before are rolled back."""
    monkeypatch.setattr(tasks, "VILLAGE_IMPORT_TIME_LIMIT", 0.5)

    def slow_audit_record(**kwargs: Any) -> Any:
        time.sleep(10)
        return audit_record(**kwargs)

    monkeypatch.setattr(villages, "audit_record", slow_audit_record)
    before = tree.snapshot()
    job = _run(officer_a, tree, stored)
    assert job.status == Job.Status.FAILED
    assert "quá thời gian cho phép (0,5 giây)" in job.message
    assert tree.snapshot() == before
    assert not stored.exists()


@pytest.mark.django_db
def test_the_limit_leaves_an_import_in_time_alone(
    tree: Tree, officer_a: User, stored: Path
) -> None:
    """An import within its limit writes its villages and deletes the stored upload."""
    job = _run(officer_a, tree, stored)
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result == {"created": 2, "updated": 0, "unchanged": 0}
    assert [v.name for v in tree.villages(tree.a)][-2:] == ["Ấp Mười", "Ấp Mười Một"]
    assert not stored.exists()
