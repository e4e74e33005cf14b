from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "langso.plans"
    label = "plans"
    verbose_name = "Kế hoạch và chỉ tiêu"
