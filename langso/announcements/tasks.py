"""Background work of announcements: a scheduled announcement sent at its time. Each
task calls the service of the same name."""

from __future__ import annotations

from django_tasks import default_task_backend, task

from .services.send import announcement_send_scheduled, announcements_send_due


def scheduling_defers() -> bool:
    """Whether the task backend runs a task at a given time (the database backend
    does; the immediate one of the tests does not, and the due sweep sends instead)."""
    return bool(default_task_backend.supports_defer)


@task()
def announcement_send_scheduled_task(*, announcement_id: int) -> bool:
    """Send the scheduled announcement if due; False if cancelled, sent or not due."""
    return announcement_send_scheduled(announcement_id=announcement_id) is not None


@task()
def announcements_send_due_task() -> int:
    """Send every scheduled announcement that is due (a sweep the worker may run)."""
    return announcements_send_due()
