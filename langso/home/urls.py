from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "home"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("chon-vai-tro/", views.role_choose, name="choose"),
    path("vai-tro/<int:assignment_id>/", views.role_home, name="role"),
]
