from django.urls import URLPattern, URLResolver, path

from .views import households as household_views
from .views import maps as map_views
from .views import placed as placed_views
from .views import transfer as transfer_views

app_name = "registry"
urlpatterns: list[URLPattern | URLResolver] = [
    path("ban-do/", map_views.map_page, name="map"),
    path("ban-do/geojson/", map_views.map_geojson, name="map-geojson"),
    path(
        "ban-do/tiles/<str:layer>/<str:z>/<str:x>/<str:y>.pbf",
        map_views.map_tile,
        name="map-tile",
    ),
    path("ho/", household_views.household_list, name="household-list"),
    path("ho/them/", household_views.household_create, name="household-create"),
    path("ho/<str:address_code>/", household_views.household_detail, name="household-detail"),
    path("ho/<str:address_code>/sua/", household_views.household_edit, name="household-edit"),
    path(
        "ho/<str:address_code>/tinh-trang/",
        household_views.household_status,
        name="household-status",
    ),
    path("ho/<str:address_code>/qr.png", household_views.household_qr, name="household-qr"),
    path("trung-lap/<int:pk>/bo-qua/", household_views.duplicate_dismiss, name="duplicate-dismiss"),
    path("nhap/<str:registry>/", transfer_views.registry_import, name="import"),
    path(
        "nhap/<str:registry>/mau.xlsx",
        transfer_views.registry_import_template,
        name="import-template",
    ),
    path("xuat/<str:registry>/", transfer_views.registry_export, name="export"),
    # The index, and cooperatives, products, vessels, farms, tourism sites, wifi, cameras.
    *placed_views.urlpatterns(),
]
