from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "langso.plans"
    label = "plans"
    verbose_name = "Kế hoạch và chỉ tiêu"

    def ready(self) -> None:
        # Declares what training counts for the indicators.
        from . import activity  # noqa: F401
