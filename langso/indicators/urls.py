from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "indicators"
urlpatterns: list[URLPattern | URLResolver] = [
    path("don-vi/<str:code>/", views.unit_indicators, name="unit"),
    path(
        "don-vi/<str:code>/nhap/<slug:indicator>/",
        views.reported_value_enter,
        name="reported-enter",
    ),
]
