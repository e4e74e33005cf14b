"""Pages of `dashboards`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "dashboards"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview_page, name="overview"),
    path("ban-do/", views.choropleth_page, name="map"),
]
