from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .selectors import job_get_for_user


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """Progress of a background job; the page polls itself (htmx) until the job ends.
    Another user's job is a 404 (`job_get_for_user`'s NotFound, through the middleware)."""
    job = job_get_for_user(job_id=job_id, user=request.user)
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else None
    return render(request, template or "core/job_detail.html", {"job": job})


# The platform's own error pages (`handler404`, `handler403` in config.urls; the 500 page
# is Django's own view with `500.html`, rendered without a request). They say nothing of
# the object asked for — not even the error's message — so that a refusal never reveals
# whether a unit or a row exists, and they offer a way back.


def _back(request: HttpRequest) -> str:
    """The page the reader came from, when it is a page of this site (the Referer is
    the browser's to send and anyone's to forge: never another site, never a script)."""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return referer if referer != request.build_absolute_uri() else ""


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", {"back": _back(request)}, status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", {"back": _back(request)}, status=403)
