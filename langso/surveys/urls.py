from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "surveys"
urlpatterns: list[URLPattern | URLResolver] = [
    path("ket-noi-odk-collect/", views.collect_connect, name="collect-connect"),
    path("bieu-mau/", views.form_list, name="form-list"),
    path("bieu-mau/dang/", views.form_publish, name="form-publish"),
    path("bieu-mau/<int:pk>/", views.form_detail, name="form-detail"),
    path("bieu-mau/<int:pk>/cai-dat/", views.form_settings, name="form-settings"),
    path(
        "bieu-mau/<int:pk>/tep/<int:attachment_id>/",
        views.attachment_upload,
        name="attachment-upload",
    ),
    path(
        "bieu-mau/<int:pk>/phien-ban/<int:version_id>/<str:kind>/",
        views.version_download,
        name="version-download",
    ),
]
