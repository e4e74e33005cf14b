from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.unit_list, name="unit-list"),
    path("don-vi/<str:code>/", views.unit_detail, name="unit-detail"),
    path("xa/<str:code>/them-thon/", views.village_create, name="village-create"),
    path("xa/<str:code>/nhap-thon/", views.village_import, name="village-import"),
    path("xa/<str:code>/nhom/", views.commune_group, name="commune-group"),
    path("thon/<str:code>/sua/", views.village_edit, name="village-edit"),
    path("mau-nhap-thon.xlsx", views.village_template, name="village-template"),
    path("nhap-ranh-gioi/", views.boundary_import, name="boundary-import"),
]
