"""Pages of survey forms: the list, publishing an XLSForm, a form with its versions and
media files. Thin: each calls one service or selector."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide
from langso.core.errors import AccessDenied, DomainError, NotFound
from langso.core.qr import qr_png

from . import selectors
from .forms import AttachmentForm, FormSettingsForm, PublishForm
from .models import SurveyForm
from .services import forms as services
from .services.collectors import collect_settings_payload, collector_credential_issue
from .xlsforms import XLSFormRejected


def _form(request: HttpRequest, pk: int) -> SurveyForm:
    try:
        return selectors.form_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def form_list(request: HttpRequest) -> HttpResponse:
    forms = selectors.form_list_for_user(user=request.user)
    context = {
        "forms": forms,
        "may_publish": request.user.has_perm(Permission.MANAGE_FORMS),
        "may_collect": request.user.has_perm(Permission.COLLECT_SURVEYS),
    }
    return render(request, "surveys/form_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def form_publish(request: HttpRequest) -> HttpResponse:
    """Upload an XLSForm: a refusal shows pyxform's and ODK Validate's reasons."""
    if not request.user.has_perm(Permission.MANAGE_FORMS):
        raise PermissionDenied
    form = PublishForm(
        request.POST or None,
        request.FILES or None,
        units=selectors.form_publish_units(user=request.user),
        nationwide=is_nationwide(user=request.user, permission=Permission.MANAGE_FORMS),
    )
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version = services.form_publish(
                actor=request.user, name=upload.name, data=upload.read(), unit=form.chosen_unit()
            )
        except XLSFormRejected as exc:
            context["rejected"] = exc
        except AccessDenied as exc:
            raise PermissionDenied from exc
        else:
            messages.success(
                request,
                _("Đã đăng biểu mẫu “%(title)s”, phiên bản “%(version)s”.")
                % {"title": version.title, "version": version.version or "—"},
            )
            return redirect("surveys:form-detail", version.form_id)
    return render(request, "surveys/form_publish.html", context)


@login_required
@require_GET
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _form(request, pk)
    versions = list(survey.versions.all())
    newest = versions[0] if versions else None
    may_manage = selectors.form_may_manage(user=request.user, form=survey)
    context = {
        "survey": survey,
        "versions": versions,
        "newest": newest,
        "attachments": selectors.form_attachments(version=newest) if newest else [],
        "may_manage": may_manage,
        "attachment_form": AttachmentForm(),
        "settings_form": FormSettingsForm(
            initial={
                "is_open": survey.is_open,
                "counts_before_approval": survey.counts_before_approval,
            }
        ),
    }
    return render(request, "surveys/form_detail.html", context)


@login_required
@require_POST
def form_settings(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _form(request, pk)
    settings_form = FormSettingsForm(request.POST)
    if settings_form.is_valid():
        try:
            services.form_settings_set(
                actor=request.user, form=survey, **settings_form.cleaned_data
            )
        except AccessDenied as exc:
            raise PermissionDenied from exc
        messages.success(request, _("Đã lưu cài đặt biểu mẫu."))
    return redirect("surveys:form-detail", survey.pk)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    survey = _form(request, pk)
    newest = survey.versions.first()
    attachment = newest.attachments.filter(pk=attachment_id).first() if newest else None
    if attachment is None:
        raise Http404
    upload_form = AttachmentForm(request.POST, request.FILES)
    if not upload_form.is_valid():
        for error in upload_form.errors.get("file", []):
            messages.error(request, str(error))
        return redirect("surveys:form-detail", survey.pk)
    upload = upload_form.cleaned_data["file"]
    try:
        services.form_attachment_upload(
            actor=request.user, attachment=attachment, name=upload.name, data=upload.read()
        )
    except AccessDenied as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã tải lên “%(name)s”.") % {"name": attachment.name})
    return redirect("surveys:form-detail", survey.pk)


@login_required
@require_GET
def version_download(request: HttpRequest, pk: int, version_id: int, kind: str) -> HttpResponseBase:
    """The XForm (`xml`) or the XLSForm (`xlsform`) of a version, as published."""
    survey = _form(request, pk)
    version = survey.versions.filter(pk=version_id).first()
    if version is None or kind not in ("xml", "xlsform"):
        raise Http404
    if kind == "xml":
        response = HttpResponse(version.xform, content_type="text/xml; charset=utf-8")
        filename = f"{survey.xml_form_id}-{version.version or 'v'}.xml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(version.xlsform.open("rb"), as_attachment=True)


@login_required
@require_http_methods(["GET", "POST"])
def collect_connect(request: HttpRequest) -> HttpResponse:
    """Connect ODK Collect: a new app password, shown once with the QR code of Collect's
    settings (server, user name, password). Issuing one revokes the previous."""
    if not request.user.has_perm(Permission.COLLECT_SURVEYS):
        raise PermissionDenied
    context: dict[str, object] = {}
    if request.method == "POST":
        token = collector_credential_issue(actor=request.user)
        server_url = request.build_absolute_uri("/openrosa").rstrip("/")
        username = request.user.get_username()
        payload = collect_settings_payload(server_url=server_url, username=username, token=token)
        context |= {
            "server_url": server_url,
            "username": username,
            "token": token,
            "qr_png": base64.b64encode(qr_png(payload, box_size=6, error_correction="L")).decode(),
        }
    response = render(request, "surveys/collect_connect.html", context)
    # The password is on the page: never cached, never kept by the browser.
    response["Cache-Control"] = "no-store"
    return response
