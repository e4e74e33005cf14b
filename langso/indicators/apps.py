from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "langso.indicators"
    label = "indicators"
    verbose_name = "Chỉ số"

    def ready(self) -> None:
        from langso.core.events import subscribe
        from langso.registry.events import HouseholdsChanged

        from .services.aggregates import households_changed

        # Household measures follow every registry write, in its transaction.
        subscribe(HouseholdsChanged, households_changed)
