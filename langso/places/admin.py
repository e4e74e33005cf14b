from django.contrib import admin

from .models import AdminUnit, UnitLineage, UnitSource


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin[AdminUnit]):
    list_display = ("code", "name", "level", "kind", "valid_from", "valid_to", "region")
    list_filter = ("level", "kind", "region", "commune_group")
    search_fields = ("code", "search_name", "name")
    # Geometry comes from boundary imports; the tree's ancestor columns from the services.
    readonly_fields = ("search_name", "province", "district", "commune", "centroid", "boundary")
    raw_id_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(UnitLineage)
class UnitLineageAdmin(admin.ModelAdmin[UnitLineage]):
    list_display = ("predecessor", "successor", "kind", "is_default", "share")
    list_filter = ("kind",)
    raw_id_fields = ("predecessor", "successor")
    list_select_related = ("predecessor", "successor")


@admin.register(UnitSource)
class UnitSourceAdmin(admin.ModelAdmin[UnitSource]):
    list_display = ("name", "version", "loaded_at")
