from django.conf import settings
from django.conf.urls.static import static
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

if settings.DEBUG:
    # Uploaded photos on a developer's machine; production serves MEDIA_ROOT from the
    # reverse proxy or object storage.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
