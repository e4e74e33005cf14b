from django.apps import AppConfig

# How often each messaging worker looks for scheduled announcements that are due: a
# schedule is set to the minute, so one goes at most this late.
DUE_SWEEP_SECONDS = 30


class AnnouncementsConfig(AppConfig):
    name = "langso.announcements"
    label = "announcements"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from langso.core.events import subscribe
        from langso.messaging.events import MessageStatusChanged
        from langso.messaging.worker import worker_tick_register

        # Declares the reach indicator's share for the indicators.
        from . import activity  # noqa: F401
        from .services.fallback import message_failed_fallback
        from .services.reach import message_status_changed
        from .services.send import announcements_send_due

        # In the writer's transaction: the reach counts stay exact with the receipts, and
        # a household whose channel failed is tried on the next one (or counted failed).
        subscribe(MessageStatusChanged, message_status_changed)
        subscribe(MessageStatusChanged, message_failed_fallback)
        # Nothing else runs the sweep where the task backend cannot defer a task: the
        # messaging worker, always running beside the server, does it.
        worker_tick_register(announcements_send_due, DUE_SWEEP_SECONDS)
