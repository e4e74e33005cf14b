from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _cache_table_create(**kwargs: Any) -> None:
    """The database cache's table, which sign-in throttling needs and no migration makes:
    created (when missing) by every `migrate`, so that no deployment forgets it."""
    call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)


class AccountsConfig(AppConfig):
    name = "langso.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        post_migrate.connect(_cache_table_create, sender=self)
