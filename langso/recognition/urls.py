"""Pages of the recognition procedure, under /cong-nhan/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "recognition"

urlpatterns: list[URLPattern | URLResolver] = []
