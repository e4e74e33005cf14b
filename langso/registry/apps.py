from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "langso.registry"
    label = "registry"
    verbose_name = "Sổ đăng ký"

    def ready(self) -> None:
        # shapely's wheel bundles its own GEOS; imported after SpatiaLite has loaded the
        # system GEOS into the process, its first geometry operation can crash. Loading it
        # here, before any database connection opens, fixes the order for every entry point.
        import shapely  # noqa: F401
