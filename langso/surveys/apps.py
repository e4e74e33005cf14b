from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "langso.surveys"
    label = "surveys"
    verbose_name = "Khảo sát"

    def ready(self) -> None:
        # Declares the kinds of activity this module publishes.
        from . import events  # noqa: F401
