from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "langso.registry"
    label = "registry"
    verbose_name = "Sổ đăng ký"
