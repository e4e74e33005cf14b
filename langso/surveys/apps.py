from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "langso.surveys"
    label = "surveys"
    verbose_name = "Khảo sát"
