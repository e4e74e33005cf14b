from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import job_get_for_user


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """Progress of a background job; the page polls itself (htmx) until the job ends.
    Another user's job is a 404 (`job_get_for_user`'s NotFound, through the middleware)."""
    job = job_get_for_user(job_id=job_id, user=request.user)
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else None
    return render(request, template or "core/job_detail.html", {"job": job})
