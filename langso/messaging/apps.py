from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "langso.messaging"
    label = "messaging"
    verbose_name = "Gửi tin"

    def ready(self) -> None:
        from .channels.base import adapter_register
        from .channels.loudspeaker import LoudspeakerAdapter
        from .channels.zalo import ZaloAdapter
        from .models import Channel

        adapter_register(Channel.ZALO, ZaloAdapter)
        adapter_register(Channel.LOUDSPEAKER, LoudspeakerAdapter)
