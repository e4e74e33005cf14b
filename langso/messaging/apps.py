from importlib import import_module

from django.apps import AppConfig

# The module of each channel's adapter; each has `register()`, called once the app is
# ready. A new channel is one more line here.
CHANNEL_MODULES = (
    "langso.messaging.channels.email",
    "langso.messaging.channels.inapp",
    "langso.messaging.channels.sms",
    "langso.messaging.channels.zalo",
    "langso.messaging.channels.loudspeaker",
)


class MessagingConfig(AppConfig):
    name = "langso.messaging"
    label = "messaging"
    verbose_name = "Gửi tin"

    def ready(self) -> None:
        for module in CHANNEL_MODULES:
            import_module(module).register()
