from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from config.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("tai-khoan/", include("langso.accounts.urls")),
    path("cong-viec/", include("langso.core.urls")),
    path("so-dang-ky/", include("langso.registry.urls")),
    path("khao-sat/", include("langso.surveys.urls")),
    path("chi-so/", include("langso.indicators.urls")),
    path("tieu-chi/", include("langso.criteria.urls")),
    path("openrosa/", include("langso.surveys.urls_openrosa")),
    path("", include("langso.places.urls")),
]

# The platform's own 404 and 403 pages, with a way back (500: Django's view, `500.html`).
handler404 = "langso.core.views.page_not_found"
handler403 = "langso.core.views.permission_denied"
