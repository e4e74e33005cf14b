from django.urls import URLPattern, URLResolver, path

from . import views, views_encryption, views_review, views_worklist

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
        "bieu-mau/<int:pk>/tep/<int:attachment_id>/tai-ve/",
        views.attachment_download,
        name="attachment-download",
    ),
    path("bieu-mau/<int:pk>/dien/", views.web_form_fill, name="web-form-fill"),
    path("bieu-mau/<int:pk>/dien/form.xml", views.web_form_xml, name="web-form-xml"),
    path("bieu-mau/<int:pk>/dien/media/<path:name>", views.web_form_media, name="web-form-media"),
    path(
        "bieu-mau/<int:pk>/ma-hoa/",
        views_encryption.form_encryption_enable,
        name="form-encryption-enable",
    ),
    path("bieu-mau/<int:pk>/giai-ma/", views_encryption.form_decrypt, name="form-decrypt"),
    path("bai/<int:pk>/giai-ma/", views_encryption.submission_decrypt, name="submission-decrypt"),
    path("bai/", views_review.submission_list, name="submission-list"),
    path("bai/<int:pk>/", views_review.submission_detail, name="submission-detail"),
    path(
        "bai/<int:pk>/tep/<int:attachment_id>/",
        views_review.submission_attachment_download,
        name="submission-attachment",
    ),
    path("bai/<int:pk>/duyet/", views_review.submission_review_post, name="submission-review"),
    path("bai/<int:pk>/xung-dot/", views_review.submission_resolve, name="submission-resolve"),
    path("ho-can-den/", views_worklist.worklist, name="worklist"),
    path("to-cong-nghe-so/", views_review.team_list, name="team-list"),
    path("to-cong-nghe-so/them/", views_review.team_edit, name="team-create"),
    path("to-cong-nghe-so/<int:pk>/", views_review.team_detail, name="team-detail"),
    path("to-cong-nghe-so/<int:pk>/sua/", views_review.team_edit, name="team-edit"),
    path("sw.js", views.web_form_service_worker, name="web-form-service-worker"),
    path(
        "bieu-mau/<int:pk>/phien-ban/<int:version_id>/<str:kind>/",
        views.version_download,
        name="version-download",
    ),
]
