"""Pages of `dashboards`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import report_views, views

app_name = "dashboards"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview_page, name="overview"),
    path("ban-do/", views.choropleth_page, name="map"),
    path("bao-cao/", report_views.report_page, name="report"),
    path("bao-cao/<int:pk>/<slug:kind>/", report_views.report_download, name="report-file"),
]
