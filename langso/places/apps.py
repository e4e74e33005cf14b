from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "langso.places"
    label = "places"
    verbose_name = "Đơn vị hành chính"
