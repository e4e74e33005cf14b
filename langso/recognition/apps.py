from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "langso.recognition"
    label = "recognition"
    verbose_name = "Công nhận đạt chuẩn"
