"""Pages of `plans`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "plans"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.plan_list, name="list"),
    path("mau-chi-tieu.xlsx", views.targets_template, name="targets-template"),
    path("<slug:code>/", views.plan_detail, name="detail"),
    path("<slug:code>/van-ban/", views.plan_file, name="file"),
    path("<slug:code>/van-ban/tai-len/", views.plan_file_upload, name="file-upload"),
    path("<slug:code>/chi-tieu/them/", views.target_edit, name="target-add"),
    path("<slug:code>/chi-tieu/<int:pk>/", views.target_edit, name="target-edit"),
    path("<slug:code>/chi-tieu/<int:pk>/xoa/", views.target_remove, name="target-delete"),
    path("<slug:code>/nhap-chi-tieu/", views.targets_import, name="targets-import"),
]
