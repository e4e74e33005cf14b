"""Background work of `recognition`: the e-mails a dossier's step sends leave from the
task worker, never from the request that moved the dossier (a slow or unreachable mail
server must not hold an officer's page)."""

from __future__ import annotations

from django_tasks import task

from .services.notifications import dossier_notify


@task()
def dossier_notify_task(*, dossier_id: int) -> int:
    return dossier_notify(dossier_id=dossier_id)
