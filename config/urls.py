from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from config.api import api
from langso.home import views as home_views
from langso.places import views as places_views


def front_page(request: HttpRequest) -> HttpResponse:
    """`/`: a signed-in user's own work (issue 15); the public list of provinces for
    visitors, and for anyone asking the list something (a search `?q=`, a day)."""
    if request.user.is_authenticated and not request.GET:
        return home_views.home(request)
    return places_views.unit_list(request)


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
    path("cong-nhan/", include("langso.recognition.urls")),
    path("ke-hoach/", include("langso.plans.urls")),
    path("thong-bao/", include("langso.announcements.urls")),
    path("bang-dieu-khien/", include("langso.dashboards.urls")),
    path("trang-cua-toi/", include("langso.home.urls")),
    path("openrosa/", include("langso.surveys.urls_openrosa")),
    path("", front_page),
    path("", include("langso.places.urls")),
]

# The platform's own 404 and 403 pages, with a way back (500: Django's view, `500.html`).
handler404 = "langso.core.views.page_not_found"
handler403 = "langso.core.views.permission_denied"
