from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "langso.messaging"
    label = "messaging"
    verbose_name = "Gửi tin"

    def ready(self) -> None:
        # Each channel's module registers its adapter (channels.base.adapter_register).
        from .channels import sms  # noqa: F401
