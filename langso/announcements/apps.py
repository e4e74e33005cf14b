from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "langso.announcements"
    label = "announcements"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from langso.core.events import subscribe
        from langso.messaging.events import MessageStatusChanged

        # Declares the reach indicator's share for the indicators.
        from . import activity  # noqa: F401
        from .services.reach import message_status_changed

        # In the writer's transaction: the reach counts stay exact with the receipts.
        subscribe(MessageStatusChanged, message_status_changed)
