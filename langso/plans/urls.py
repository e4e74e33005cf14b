"""Pages of `plans`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .views import plans, training

app_name = "plans"

# Training first: its paths ("dao-tao/…") would otherwise read as a plan's code.
urlpatterns: list[URLPattern | URLResolver] = [
    path("dao-tao/", training.training_home, name="training"),
    path("dao-tao/khoa-hoc/them/", training.course_create, name="training-course-create"),
    path("dao-tao/khoa-hoc/<int:pk>/", training.course_detail, name="training-course"),
    path("dao-tao/buoi/<int:pk>/", training.session_detail, name="training-session"),
    path(
        "dao-tao/buoi/<int:pk>/them-nguoi/",
        training.attendance_add,
        name="training-attendance-add",
    ),
    path("dao-tao/buoi/<int:pk>/nguoi-dan/", training.residents_set, name="training-residents"),
    path("dao-tao/buoi/<int:pk>/nhap-tep/", training.attendance_import, name="training-import"),
    path(
        "dao-tao/tham-du/<int:pk>/rut/",
        training.attendance_withdraw,
        name="training-attendance-withdraw",
    ),
    path(
        "dao-tao/tham-du/<int:pk>/chung-chi/",
        training.certificate_set,
        name="training-certificate-set",
    ),
    path(
        "dao-tao/chung-chi/<int:pk>/",
        training.certificate_download,
        name="training-certificate",
    ),
    path("", plans.plan_list, name="list"),
    path("mau-chi-tieu.xlsx", plans.targets_template, name="targets-template"),
    path("<slug:code>/", plans.plan_detail, name="detail"),
    path("<slug:code>/van-ban/", plans.plan_file, name="file"),
    path("<slug:code>/van-ban/tai-len/", plans.plan_file_upload, name="file-upload"),
    path("<slug:code>/chi-tieu/them/", plans.target_edit, name="target-add"),
    path("<slug:code>/chi-tieu/<int:pk>/", plans.target_edit, name="target-edit"),
    path("<slug:code>/chi-tieu/<int:pk>/xoa/", plans.target_remove, name="target-delete"),
    path("<slug:code>/nhap-chi-tieu/", plans.targets_import, name="targets-import"),
]
