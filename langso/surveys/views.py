"""Pages of survey forms: the list, publishing an XLSForm or an XForm, a form with its
versions and media files, and filling a form in the browser (ODK Web Forms). Thin: each
calls one service or selector."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from csp.constants import WASM_UNSAFE_EVAL
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide
from langso.core.errors import NotFound
from langso.core.files import file_response
from langso.core.forms import RefusalShown
from langso.core.qr import qr_png

from . import selectors
from .forms import AttachmentForm, FormSettingsForm, PublishForm
from .models import FormVersion, SurveyForm
from .selectors_form_list import SCOPES, STATUSES, FormListFilters, form_list_ordered
from .selectors_worklist import worklist_household
from .services import forms as services
from .services.collectors import collect_settings_payload, collector_credential_issue
from .views_openrosa import media_response
from .xlsforms import XLSFormRejected


@login_required
@require_GET
def form_list(request: HttpRequest) -> HttpResponse:
    filters = FormListFilters(
        q=request.GET.get("q", "")[:100],
        status=request.GET.get("status", ""),
        scope=request.GET.get("scope", ""),
    )
    context = {
        "forms": form_list_ordered(user=request.user, filters=filters),
        "filters": filters,
        "statuses": STATUSES,
        "scopes": SCOPES,
        "may_publish": request.user.has_perm(Permission.MANAGE_FORMS),
        "may_collect": request.user.has_perm(Permission.COLLECT_SURVEYS),
    }
    return render(request, "surveys/form_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def form_publish(request: HttpRequest) -> HttpResponse:
    """Upload an XLSForm or an XForm: a refusal shows pyxform's and ODK Validate's
    reasons."""
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
    survey = selectors.form_get_for_user(user=request.user, pk=pk)
    versions = list(survey.versions.all())
    newest = versions[0] if versions else None
    may_manage = selectors.form_may_manage(user=request.user, form=survey)
    attachments = selectors.form_attachments(version=newest) if newest else []
    context = {
        "survey": survey,
        "versions": versions,
        "newest": newest,
        "attachments": attachments,
        "missing_media": [a for a in attachments if not a.is_ready],
        "may_manage": may_manage,
        "may_fill": selectors.collector_may_fill(user=request.user, form=survey),
        "attachment_form": AttachmentForm(),
        "encryption": selectors.form_encryption(form=survey),
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
    survey = selectors.form_get_for_user(user=request.user, pk=pk)
    settings_form = FormSettingsForm(request.POST)
    if settings_form.is_valid():
        services.form_settings_set(actor=request.user, form=survey, **settings_form.cleaned_data)
        messages.success(request, _("Đã lưu cài đặt biểu mẫu."))
    return redirect("surveys:form-detail", survey.pk)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    survey = selectors.form_get_for_user(user=request.user, pk=pk)
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
    with RefusalShown(request):
        services.form_attachment_upload(
            actor=request.user, attachment=attachment, name=upload.name, data=upload.read()
        )
        messages.success(request, _("Đã tải lên “%(name)s”.") % {"name": attachment.name})
    return redirect("surveys:form-detail", survey.pk)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    """A media file uploaded for the form, to whoever may see the form."""
    survey = selectors.form_get_for_user(user=request.user, pk=pk)
    attachment = selectors.form_attachment_get(form=survey, pk=attachment_id)
    return file_response(attachment.file, name=attachment.name)


@login_required
@require_GET
def version_download(request: HttpRequest, pk: int, version_id: int, kind: str) -> HttpResponseBase:
    """The XForm (`xml`) or the uploaded file (`xlsform`: an XLSForm, or the XForm as
    it came) of a version."""
    survey = selectors.form_get_for_user(user=request.user, pk=pk)
    version = survey.versions.filter(pk=version_id).first()
    if version is None or kind not in ("xml", "xlsform"):
        raise Http404
    if kind == "xml":
        response = HttpResponse(version.xform, content_type="text/xml; charset=utf-8")
        filename = f"{survey.xml_form_id}-{version.version or 'v'}.xml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return file_response(version.xlsform, name=version.xlsform_name)


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


def _fillable(request: HttpRequest, pk: int) -> tuple[SurveyForm, FormVersion | None]:
    """A form the user may fill, with its newest version while it is open (None when it
    is closed); 404 for anyone else, as if it did not exist."""
    survey = selectors.form_get_for_user(user=request.user, pk=pk)
    if not selectors.collector_may_fill(user=request.user, form=survey):
        raise Http404
    try:
        version = selectors.collector_form_version(
            user=request.user, xml_form_id=survey.xml_form_id
        )
    except NotFound:
        version = None
    return survey, version


# What the fill page keeps for use without a network, besides itself, its form and media.
_OFFLINE_STATIC = (
    "css/langso.css",
    "img/favicon.svg",
    "vendor/htmx/htmx.min.js",
    "vendor/vue/vue.esm-browser.prod.js",
    "vendor/odk-web-forms/index.js",
    "surveys/web_form.js",
)
# The service worker's cache: a new name drops what older pages kept.
WEB_FORM_CACHE = "langso-web-form-v1"


@cache
def _web_forms_chunks() -> tuple[str, ...]:
    """ODK Web Forms' other modules (the map loads on demand). Its index.js imports them
    by their own names, which collectstatic does not rewrite: keep those names."""
    index = finders.find("vendor/odk-web-forms/index.js")
    if not isinstance(index, str):
        return ()
    return tuple(
        f"{settings.STATIC_URL}vendor/odk-web-forms/{chunk.name}"
        for chunk in sorted(Path(index).parent.glob("*.js"))
        if chunk.name != "index.js"
    )


def _web_form_strings() -> dict[str, str]:
    """What the page's script says, translated here."""
    return {
        "loading": _("Đang tải biểu mẫu…"),
        "loadFailed": _(
            "Không tải được biểu mẫu. Hãy mở trang này khi có mạng ít nhất một lần để dùng "
            "được khi mất mạng."
        ),
        "offlineReady": _("Trang này đã được lưu để dùng được khi không có mạng."),
        "offline": _("Đang không có mạng: bài gửi sẽ được giữ trên máy."),
        "sending": _("Đang gửi bài…"),
        "sent": _("Đã gửi bài khảo sát."),
        "queued": _(
            "Không gửi được vì mất mạng: bài đã được lưu trên máy và sẽ tự gửi khi có mạng."
        ),
        "outbox": _("Đang chờ gửi: %(count)s bài"),
        "flushed": _("Đã gửi %(count)s bài đang chờ."),
        "signedOut": _(
            "Phiên đăng nhập đã hết: hãy đăng nhập lại. Bài vẫn được giữ trên máy để gửi sau."
        ),
        "refused": _("Máy chủ không nhận bài: %(message)s"),
        "serverError": _("Máy chủ đang lỗi (mã %(status)s): bài được giữ trên máy để gửi lại."),
    }


# ODK Web Forms compiles a WebAssembly module at start; this page's policy alone allows
# that ('wasm-unsafe-eval' lets WebAssembly compile, never a JavaScript eval). django-csp
# types a view as taking the request alone, hence the ignore.
@csp_update({"script-src": [WASM_UNSAFE_EVAL]})  # type: ignore[arg-type]
@login_required
@require_GET
def web_form_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill a form in the browser with ODK Web Forms, with or without a network: a
    service worker keeps the page, and submissions wait in the browser until sent."""
    survey, version = _fillable(request, pk)
    # ODK Web Forms reads a form's public key but sends its answers in plain, which an
    # encrypted version refuses: such a form is filled with ODK Collect.
    encrypted = version is not None and version.encryption_key_id is not None
    if encrypted:
        version = None
    config: dict[str, object] = {}
    if version is not None:
        media = {
            attachment.name: reverse("surveys:web-form-media", args=[survey.pk, attachment.name])
            for attachment in version.attachments.all()
        }
        form_url = reverse("surveys:web-form-xml", args=[survey.pk])
        config = {
            "user": request.user.pk,
            "formUrl": form_url,
            "media": media,
            "submissionUrl": reverse("openrosa:submission"),
            "serviceWorkerUrl": reverse("surveys:web-form-service-worker"),
            "cacheName": WEB_FORM_CACHE,
            "staticUrl": settings.STATIC_URL,
            "csrfCookieName": settings.CSRF_COOKIE_NAME,
            "csrfToken": get_token(request),
            "offlineUrls": [
                form_url,
                *media.values(),
                *(static(name) for name in _OFFLINE_STATIC),
                *_web_forms_chunks(),
            ],
            "strings": _web_form_strings(),
        }
    context = {
        "survey": survey,
        "version": version,
        "config": config,
        "encrypted": encrypted,
        # From a worklist: ODK Web Forms (0.22) takes no initial answers, only an
        # instance to edit, so the page names the household to choose.
        "household": worklist_household(user=request.user, address_code=request.GET.get("ho", "")),
    }
    return render(request, "surveys/web_form.html", context)


@login_required
@require_GET
def web_form_xml(request: HttpRequest, pk: int) -> HttpResponse:
    """The XForm of the newest version, for the fill page (with the session)."""
    _survey, version = _fillable(request, pk)
    if version is None:
        raise Http404
    response = HttpResponse(version.xform, content_type="text/xml; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
def web_form_media(request: HttpRequest, pk: int, name: str) -> HttpResponseBase:
    """A media file of the newest version, as the OpenRosa server gives it to this user
    (their own households.csv)."""
    _survey, version = _fillable(request, pk)
    if version is None:
        raise Http404
    response = media_response(user=request.user, version=version, name=name)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def web_form_service_worker(request: HttpRequest) -> HttpResponse:
    """The fill pages' service worker, served under /khao-sat/ so that it may control
    them. It holds nothing of any user: what it keeps, the pages give it."""
    context = {"cache_name": WEB_FORM_CACHE, "static_url": settings.STATIC_URL}
    response = render(
        request, "surveys/web_form_sw.js", context, content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response
