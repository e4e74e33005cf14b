from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("tai-khoan/", include("langso.accounts.urls")),
    path("cong-viec/", include("langso.core.urls")),
    path("so-dang-ky/", include("langso.registry.urls")),
    path("", include("langso.places.urls")),
]
