from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "langso.announcements"
    label = "announcements"
    verbose_name = "Thông báo"
