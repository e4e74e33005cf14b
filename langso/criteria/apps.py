from django.apps import AppConfig


class CriteriaConfig(AppConfig):
    name = "langso.criteria"
    label = "criteria"
    verbose_name = "Tiêu chí NTM"
