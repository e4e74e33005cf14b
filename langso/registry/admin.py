from django.contrib import admin

from .models import (
    AquacultureFarm,
    Cooperative,
    FishingVessel,
    Household,
    Product,
    PublicWifiPoint,
    SecurityCamera,
    TourismSite,
)

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


for model, shown in (
    (Cooperative, ("code", "name", "commune", "status")),
    (Product, ("code", "name", "category", "ocop_stars", "commune")),
    (FishingVessel, ("registration_number", "name", "commune", "licence_expires_on")),
    (AquacultureFarm, ("code", "name", "area_ha", "commune")),
    (TourismSite, ("code", "name", "kind", "commune")),
    (PublicWifiPoint, ("code", "place", "commune", "is_working")),
    (SecurityCamera, ("code", "place", "commune", "is_working")),
):
    admin.site.register(
        model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": shown})
    )
