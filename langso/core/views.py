from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import NotFound
from .selectors import job_get_for_user


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """Progress of a background job; the page polls itself (htmx) until the job ends."""
    try:
        job = job_get_for_user(job_id=job_id, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else None
    return render(request, template or "core/job_detail.html", {"job": job})
