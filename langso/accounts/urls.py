from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import LoginForm, NewPasswordForm, ResetRequestForm

app_name = "accounts"

urlpatterns = [
    path(
        "dang-nhap/",
        views.SignInView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("dang-nhap/ma-xac-thuc/", views.sign_in_code, name="login-code"),
    path("xac-thuc-hai-buoc/", views.two_factor, name="two-factor"),
    # POST only (Django's LogoutView): a link or an image cannot sign anyone out.
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "quen-mat-khau/",
        views.PasswordResetRequestView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            form_class=ResetRequestForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            form_class=NewPasswordForm,
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("phan-quyen/", views.role_list, name="role-list"),
    path("phan-quyen/<int:pk>/thu-hoi/", views.role_revoke_view, name="role-revoke"),
    path("don-vi-cua-toi/", views.unit_options, name="unit-options"),
]
