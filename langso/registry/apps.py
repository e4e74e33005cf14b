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

        from langso.core.events import subscribe

        from .events import HouseholdsChanged
        from .services.map_cells import households_changed

        # The map's pre-counted cells follow every household write, in its transaction.
        subscribe(HouseholdsChanged, households_changed)
