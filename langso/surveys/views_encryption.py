"""Pages of encrypted forms: turning managed encryption on, and decrypting waiting
submissions with the passphrase, one or all of a form's. Thin: each calls one service.
The passphrase is read from the POST and handed to the service, never kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from langso.core.forms import RefusalShown

from . import selectors
from .forms import EncryptionEnableForm, PassphraseForm
from .services import managed_encryption as services


@sensitive_post_parameters("passphrase", "passphrase_again")
@login_required
@require_POST
def form_encryption_enable(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.form_get_for_user(user=request.user, pk=pk)
    form = EncryptionEnableForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("__all__") or [_("Nhập cụm mật khẩu hai lần.")]:
            messages.error(request, str(error))
        return redirect("surveys:form-detail", pk)
    with RefusalShown(request):
        version = services.form_encryption_enable(
            actor=request.user,
            form=survey,
            passphrase=form.cleaned_data["passphrase"],
            hint=form.cleaned_data["hint"],
        )
        messages.success(
            request,
            _(
                "Đã bật mã hoá: phiên bản “%(version)s” mang khoá công khai. Hãy ghi nhớ cụm "
                "mật khẩu; mất cụm mật khẩu là mất các bài đã mã hoá."
            )
            % {"version": version.version},
        )
    return redirect("surveys:form-detail", pk)


@sensitive_post_parameters("passphrase")
@login_required
@require_POST
def form_decrypt(request: HttpRequest, pk: int) -> HttpResponse:
    """Decrypt the form's waiting submissions, a chunk per request."""
    survey = selectors.form_get_for_user(user=request.user, pk=pk)
    form = PassphraseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nhập cụm mật khẩu của biểu mẫu."))
        return redirect("surveys:form-detail", pk)
    with RefusalShown(request):
        batch = services.form_submissions_decrypt(
            actor=request.user, form=survey, passphrase=form.cleaned_data["passphrase"]
        )
        messages.success(
            request,
            _("Đã giải mã %(done)s bài; %(failed)s bài không giải mã được; còn %(left)s bài chờ.")
            % {"done": batch.decrypted, "failed": batch.failed, "left": batch.remaining},
        )
    return redirect("surveys:form-detail", pk)


@sensitive_post_parameters("passphrase")
@login_required
@require_POST
def submission_decrypt(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    form = PassphraseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nhập cụm mật khẩu của biểu mẫu."))
        return redirect("surveys:submission-detail", pk)
    with RefusalShown(request):
        decrypted = services.submission_decrypt(
            actor=request.user, submission=submission, passphrase=form.cleaned_data["passphrase"]
        )
        if decrypted.encryption.problem:
            messages.error(request, decrypted.encryption.problem)
        else:
            messages.success(request, _("Đã giải mã bài."))
    return redirect("surveys:submission-detail", pk)
