"""The OpenRosa server under /openrosa/: what ODK Collect, Enketo and ODK Web Forms talk
to. Collectors sign in with HTTP Basic and their app password (`CollectorCredential`);
the web form page (`views.web_form_fill`) sends its submissions with the session and a
CSRF token instead. Every answer carries `X-OpenRosa-Version: 1.0` and errors are
OpenRosaResponses, whoever answers (`middleware.OpenRosaResponses`). Thin: the wire
format is in `openrosa`, the rules in `services` and `selectors`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import wraps
from pathlib import PurePosixPath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from langso.accounts import throttle
from langso.core.actors import Actor
from langso.core.errors import NotFound, TooManyAttempts
from langso.core.files import file_response

from . import openrosa, selectors
from .entity_declarations import HOUSEHOLDS
from .models import FormVersion
from .services.collectors import collector_authenticate
from .services.submissions import submission_receive, submission_refusal_record

_XML = "text/xml; charset=utf-8"
# Headers are ASCII: the realm is written without diacritics.
_REALM = 'Basic realm="Lang So", charset="UTF-8"'
View = Callable[..., HttpResponseBase]


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


def _xml_response(body: bytes, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type=_XML)


def _csrf_refused(request: HttpRequest, view: View) -> bool:
    """Whether Django's CSRF check refuses `request` to `view` (the OpenRosa views are
    exempt, for Basic sign-in: no other site can make a browser send those credentials)."""
    check = CsrfViewMiddleware(lambda _request: HttpResponse())
    return check.process_view(request, view, (), {}) is not None


def _throttled(exc: TooManyAttempts) -> HttpResponse:
    response = _xml_response(openrosa.response_xml(exc.message, success=False), status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _answered(view: View, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """The view's answer; a `NotFound` it raises is answered here, for every OpenRosa
    view, as a 404 naming what was not found (the form id), which Collect shows. Left to
    `core.middleware.DomainErrorPages`, it would become Django's 404, whose message
    `middleware.OpenRosaResponses` can only replace with a generic one."""
    try:
        return view(request, *args, **kwargs)
    except NotFound as exc:
        return _xml_response(openrosa.response_xml(exc.message, success=False), status=404)


def collector_view(view: View) -> View:
    """Sign the collector in from HTTP Basic (refusing with 401 and the realm), or, when
    no Authorization header is sent, from the session of a signed-in user, whose
    requests must then pass the CSRF check (403 otherwise)."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        session_user = getattr(request, "user", None)
        if (
            "Authorization" not in request.headers
            and session_user is not None
            and session_user.is_authenticated
        ):
            if _csrf_refused(request, view):
                refusal = _xml_response(
                    openrosa.response_xml(
                        _("Trang đã cũ (thiếu mã CSRF): hãy tải lại trang rồi gửi lại."),
                        success=False,
                    ),
                    status=403,
                )
                # Tells the page to keep the submission and try again, unlike a 403
                # from the rules (a closed form), which never changes.
                refusal["X-CSRF-Refused"] = "true"
                return refusal
            return _answered(view, request, *args, **kwargs)
        credentials = _basic_credentials(request)
        collector = None
        if credentials:
            address = throttle.client_address(request)
            try:
                throttle.signin_check(
                    door=throttle.OPENROSA, username=credentials[0], address=address
                )
            except TooManyAttempts as exc:
                return _throttled(exc)
            collector = collector_authenticate(username=credentials[0], token=credentials[1])
            # Successes are not recorded: that would write to the cache on every request.
            # A phone with the current app password never fails.
            if collector is None:
                throttle.signin_failed(
                    door=throttle.OPENROSA, username=credentials[0], address=address
                )
        if collector is None:
            response = _xml_response(
                openrosa.response_xml(
                    _("Cần đăng nhập bằng tên người dùng và mật khẩu ứng dụng."), success=False
                ),
                status=401,
            )
            # A script (the web form page, whose session has ended) gets no challenge:
            # the browser would answer it with its own sign-in box.
            if request.headers.get("X-Requested-With") != "XMLHttpRequest":
                response["WWW-Authenticate"] = _REALM
            return response
        request.user = collector
        return _answered(view, request, *args, **kwargs)

    return wrapped


def _absolute(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(f"openrosa:{name}", args=args))


@collector_view
@require_GET
def form_list(request: HttpRequest) -> HttpResponseBase:
    """The forms this collector may fill, newest version of each, or only the one
    `?formID=` names (Form List API)."""
    only = request.GET.get("formID")
    entries = [
        openrosa.FormListEntry(
            form_id=version.form.xml_form_id,
            name=version.title,
            version=version.version,
            hash=version.xform_hash,
            download_url=_absolute(request, "form-xml", version.form.xml_form_id),
            manifest_url=_absolute(request, "manifest", version.form.xml_form_id)
            if version.attachments.all()
            else None,
        )
        for version in selectors.collector_forms(user=request.user)
        if only is None or version.form.xml_form_id == only
    ]
    return _xml_response(openrosa.form_list_xml(entries))


@collector_view
@require_GET
def form_xml(request: HttpRequest, form_id: str) -> HttpResponseBase:
    version = selectors.collector_form_version(user=request.user, xml_form_id=form_id)
    return _xml_response(version.xform.encode())


@collector_view
@require_GET
def manifest(request: HttpRequest, form_id: str) -> HttpResponseBase:
    """The form's media files, each with its hash (Form List API, manifest); the
    households list as an entity list, with the URL where Collect checks which of the
    households it holds are gone (ODK's offline entities)."""
    version = selectors.collector_form_version(user=request.user, xml_form_id=form_id)
    entries = []
    for attachment in version.attachments.all():
        integrity_url = None
        if attachment.dataset:
            digest = selectors.dataset_hash(
                user=request.user, version=version, dataset=attachment.dataset
            )
            if attachment.dataset == HOUSEHOLDS:
                integrity_url = _absolute(request, "integrity", HOUSEHOLDS)
        elif attachment.file:
            digest = attachment.file_hash
        else:
            continue
        entries.append(
            openrosa.MediaEntry(
                filename=attachment.name,
                hash=digest,
                download_url=_absolute(request, "media", form_id, attachment.name),
                integrity_url=integrity_url,
            )
        )
    return _xml_response(openrosa.manifest_xml(entries))


@collector_view
@require_GET
def integrity(request: HttpRequest, dataset: str) -> HttpResponseBase:
    """Which of the entities a collector holds are gone from their list (Integrity API)."""
    ids = openrosa.integrity_ids(request.GET.get("id", ""))
    states = selectors.collector_entities_deleted(user=request.user, dataset=dataset, ids=ids)
    return _xml_response(openrosa.integrity_xml(states))


def media_response(*, user: Actor, version: FormVersion, name: str) -> HttpResponseBase:
    """One media file of `version` as `user` gets it: the platform's CSV written for
    them, or the uploaded file; 404 for a name the form does not use or a file not
    uploaded yet. Shared with the web form page."""
    attachment = next((a for a in version.attachments.all() if a.name == name), None)
    if attachment is None:
        raise Http404
    if attachment.dataset:
        body = selectors.dataset_csv(user=user, version=version, dataset=attachment.dataset)
        return HttpResponse(body, content_type="text/csv; charset=utf-8")
    if not attachment.file:
        raise Http404
    return file_response(attachment.file, name=PurePosixPath(attachment.name).name)


_MEDIA_SEPARATOR = "/media/"


@collector_view
@require_GET
def media(request: HttpRequest, form_id: str, name: str) -> HttpResponseBase:
    """One media file of the form. The URL matched the last "/media/" of the path,
    but a form id (an xmlns-like "a/media/b") or a media name (jr://file/media/a.png)
    may hold one itself: every split is tried against the collector's forms and the
    files each names."""
    whole = f"{form_id}{_MEDIA_SEPARATOR}{name}"
    mine = {v.form.xml_form_id: v for v in selectors.collector_forms(user=request.user)}
    start = whole.find(_MEDIA_SEPARATOR)
    while start > 0:
        version = mine.get(whole[:start])
        rest = whole[start + len(_MEDIA_SEPARATOR) :]
        if version is not None and any(a.name == rest for a in version.attachments.all()):
            return media_response(user=request.user, version=version, name=rest)
        start = whole.find(_MEDIA_SEPARATOR, start + 1)
    raise Http404


@collector_view
@require_http_methods(["HEAD", "POST"])
def submission(request: HttpRequest) -> HttpResponseBase:
    """HEAD: 204 with the largest body accepted. POST: a multipart submission, 201 when
    new data was stored, 202 when it was all received before (Form Submission API)."""
    if request.method == "HEAD":
        response = HttpResponse(status=204)
        response["X-OpenRosa-Accept-Content-Length"] = str(openrosa.ACCEPT_CONTENT_LENGTH)
        return response
    xml_file = request.FILES.get("xml_submission_file")
    too_large = xml_file is not None and (xml_file.size or 0) > openrosa.MAX_INSTANCE_BYTES
    xml = xml_file.read() if xml_file is not None and not too_large else None
    try:
        if too_large:
            raise openrosa.SubmissionInvalid(
                _("Phần XML của bài nộp lớn quá %(max)s MB.")
                % {"max": openrosa.MAX_INSTANCE_BYTES // 2**20},
                status=413,
            )
        if xml is None:
            raise openrosa.SubmissionInvalid(_("Thiếu phần xml_submission_file."))
        files: list[UploadedFile[bytes]] = [
            upload
            for key in request.FILES
            if key != "xml_submission_file"
            for upload in request.FILES.getlist(key)
        ]
        received = submission_receive(
            collector=request.user,
            xml=xml,
            files=files,
            incomplete=request.POST.get("*isIncomplete*", "").lower() == "yes",
        )
    except openrosa.SubmissionInvalid as exc:
        submission_refusal_record(collector=request.user, xml=xml, reason=exc.message)
        return _xml_response(openrosa.response_xml(exc.message, success=False), exc.status)
    if received.new:
        body, status = openrosa.response_xml(_("Đã nhận bài khảo sát.")), 201
    else:
        body, status = openrosa.response_xml(_("Bài này đã được nhận trước đó.")), 202
    response = _xml_response(body, status)
    response["X-OpenRosa-Accept-Content-Length"] = str(openrosa.ACCEPT_CONTENT_LENGTH)
    return response
