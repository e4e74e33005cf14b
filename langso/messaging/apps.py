from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "langso.messaging"
    label = "messaging"
    verbose_name = "Gửi tin"
