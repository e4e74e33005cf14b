from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "langso.announcements"
    label = "announcements"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from langso.core.events import subscribe
        from langso.messaging.events import MessageStatusChanged

        from .services.fallback import message_failed_fallback

        # In the writer's transaction: the failed count moves with the message.
        subscribe(MessageStatusChanged, message_failed_fallback)
