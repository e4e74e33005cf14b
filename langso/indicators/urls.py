from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "indicators"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.indicator_list, name="list"),
    path("them/", views.indicator_create, name="create"),
    path("chot-ky/", views.period_close_view, name="period-close"),
    path("tinh-lai/", views.aggregates_rebuild, name="aggregates-rebuild"),
    path("don-vi/<str:code>/", views.unit_indicators, name="unit"),
    path(
        "don-vi/<str:code>/nhap/<slug:indicator>/",
        views.reported_value_enter,
        name="reported-enter",
    ),
    path("minh-chung/<int:pk>/", views.reported_evidence_download, name="evidence"),
    path("<slug:code>/", views.indicator_detail, name="detail"),
    path("<slug:code>/nhap-tep/", views.reported_import, name="reported-import"),
]
