from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "langso.dashboards"
    label = "dashboards"
    verbose_name = "Bảng điều khiển"
