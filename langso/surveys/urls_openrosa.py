from django.urls import URLPattern, URLResolver, path

from . import views_openrosa as views

app_name = "openrosa"
urlpatterns: list[URLPattern | URLResolver] = [
    path("formList", views.form_list, name="form-list"),
    path("forms/<str:form_id>/form.xml", views.form_xml, name="form-xml"),
    path("forms/<str:form_id>/manifest", views.manifest, name="manifest"),
    path("forms/<str:form_id>/media/<str:name>", views.media, name="media"),
    path("submission", views.submission, name="submission"),
]
