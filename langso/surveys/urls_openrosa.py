from django.urls import URLPattern, URLResolver, path

from . import views_openrosa as views

app_name = "openrosa"
# Form ids may hold "/" (OpenRosa allows xmlns-like ids), and servers decode "%2F" in
# a path before Django sees it: ids are matched as paths, up to the fixed tail. Media
# names may hold "/" too (jr://file/a/b.csv).
urlpatterns: list[URLPattern | URLResolver] = [
    path("formList", views.form_list, name="form-list"),
    path("forms/<path:form_id>/form.xml", views.form_xml, name="form-xml"),
    path("forms/<path:form_id>/manifest", views.manifest, name="manifest"),
    path("forms/<path:form_id>/media/<path:name>", views.media, name="media"),
    path("submission", views.submission, name="submission"),
    path("datasets/<str:dataset>/integrity", views.integrity, name="integrity"),
]
