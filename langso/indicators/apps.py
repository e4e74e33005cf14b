from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "langso.indicators"
    label = "indicators"
    verbose_name = "Chỉ số"

    def ready(self) -> None:
        from langso.core.events import ActivityCounted, subscribe
        from langso.registry.events import HouseholdsChanged

        from .services.activity import activity_counted
        from .services.aggregates import households_changed

        # Household measures follow every registry write, in its transaction.
        subscribe(HouseholdsChanged, households_changed)
        # Activity counts follow every publisher's write, in its transaction.
        subscribe(ActivityCounted, activity_counted)
