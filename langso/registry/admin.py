from django.contrib import admin

from .models import Household
from .specs import SPECS

# Officers work in the registry pages, which keep the audit trail and the scope; the
# admin is read-only, for central administrators looking into a problem.


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # one admin for several models
    list_select_related = ("province", "commune", "village")
    list_filter = ("province",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("address_code", "commune", "village", "members", "status")
    search_fields = ("address_code",)


# The columns of each placed registry's list, by the name of its spec.
_SHOWN = {
    "cooperative": ("code", "name", "commune", "status"),
    "product": ("code", "name", "category", "ocop_stars", "commune"),
    "vessel": ("registration_number", "name", "commune", "licence_expires_on"),
    "farm": ("code", "name", "area_ha", "commune"),
    "tourism-site": ("code", "name", "kind", "commune"),
    "wifi-point": ("code", "place", "commune", "is_working"),
    "camera": ("code", "place", "commune", "is_working"),
}

for name, shown in _SHOWN.items():
    model = SPECS[name].model
    admin.site.register(
        model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": shown})
    )
