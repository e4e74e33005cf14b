from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "langso.recognition"
    label = "recognition"
    verbose_name = "Công nhận đạt chuẩn"

    def ready(self) -> None:
        from langso.registry.maps import map_overlay_register

        from .map_overlay import RECOGNITION_OVERLAY

        # The registry's map draws the recognised units without knowing this app.
        map_overlay_register(RECOGNITION_OVERLAY)
