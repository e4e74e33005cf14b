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
        from .services.fallback import message_failed_fallback
        from .services.reach import message_status_changed

        # In the writer's transaction: the reach counts stay exact with the receipts, and
        # a household whose channel failed is tried on the next one (or counted failed).
        subscribe(MessageStatusChanged, message_status_changed)
        subscribe(MessageStatusChanged, message_failed_fallback)
