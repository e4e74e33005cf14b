"""Pages of submissions and their review (received → has issues → approved or
rejected), conflicts settled field by field, and the community digital teams with their
progress. Thin: each calls one service or selector."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langso.accounts.roles import Permission
from langso.core.files import file_response
from langso.core.forms import RefusalShown
from langso.core.pagination import keyset_page, next_page_query

from . import selectors
from .forms import ReviewForm, SubmissionFilterForm, TeamForm
from .models import EntityState, Submission
from .services.entities import submission_conflict_resolve
from .services.managed_encryption import form_may_decrypt
from .services.review import submission_review
from .services.teams import digital_team_create, digital_team_may_manage, digital_team_update

PAGE_SIZE = 50


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
@require_GET
def submission_list(request: HttpRequest) -> HttpResponse:
    """Submissions within reach, newest first; filter by review state, by what became
    of their household values (conflicts first of all) and by unit."""
    form = SubmissionFilterForm(request.GET or None, user=request.user)
    page = None
    if not request.GET or form.is_valid():
        filters = form.filters() if request.GET else selectors.SubmissionFilters()
        submissions = selectors.submission_list_filtered(user=request.user, filters=filters)
        after = form.cleaned_data.get("after") if request.GET else None
        page = keyset_page(submissions, after=after, limit=PAGE_SIZE)
    context = {"form": form, "page": page, "next_url": next_page_query(request.GET, page)}
    return render(request, "surveys/submission_list.html", context)


@login_required
@require_GET
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    differences, seen_version = selectors.submission_differences(submission=submission)
    context = {
        "submission": submission,
        "differences": differences,
        "seen_version": seen_version,
        "may_review": selectors.submission_may_review(actor=request.user, submission=submission),
        "review_form": ReviewForm(initial={"state": submission.state}),
        "is_conflict": submission.entity_state == EntityState.CONFLICT,
        "may_decrypt": submission.state == Submission.State.ENCRYPTED
        and form_may_decrypt(user=request.user, form=submission.version.form),
    }
    return render(request, "surveys/submission_detail.html", context)


@login_required
@require_GET
def submission_attachment_download(
    request: HttpRequest, pk: int, attachment_id: int
) -> HttpResponseBase:
    """A photo or file sent with a submission, to whoever may see the submission."""
    attachment = selectors.submission_attachment_get_for_user(
        user=request.user, submission_pk=pk, pk=attachment_id
    )
    return file_response(
        attachment.file, name=attachment.name, content_type=attachment.content_type
    )


@login_required
@require_POST
def submission_review_post(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chọn trạng thái hợp lệ."))
        return redirect("surveys:submission-detail", pk)
    with RefusalShown(request):
        _reviewed, note = submission_review(
            actor=request.user,
            submission=submission,
            state=form.cleaned_data["state"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Đã ghi kết quả duyệt."))
        if note:
            messages.warning(request, note)
    return redirect("surveys:submission-detail", pk)


@login_required
@require_POST
def submission_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's choice, field by field, posted as `choice_<field>`."""
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    choices = {
        key.removeprefix("choice_"): request.POST.get(key, "")
        for key in request.POST
        if key.startswith("choice_")
    }
    with RefusalShown(request):
        submission_conflict_resolve(
            actor=request.user,
            submission=submission,
            choices=choices,
            seen_version=_int_or_none(request.POST.get("seen_version")) or 0,
        )
        messages.success(request, _("Đã xử lý xung đột: hộ giữ các giá trị bạn chọn."))
    return redirect("surveys:submission-detail", pk)


@login_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    teams = list(selectors.team_list_for_user(user=request.user)[:500])
    context = {
        "progress": selectors.team_progress(teams=teams),
        "may_create": bool(selectors.team_communes_for_manager(user=request.user)),
        "may_collect": request.user.has_perm(Permission.COLLECT_SURVEYS),
    }
    return render(request, "surveys/team_list.html", context)


@login_required
@require_GET
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get_for_user(user=request.user, pk=pk)
    (progress,) = selectors.team_progress(teams=[team])
    context = {
        "team": team,
        "progress": progress,
        "visits": selectors.team_visits(team=team),
        "is_member": any(m.pk == request.user.pk for m in team.members.all()),
        "may_manage": digital_team_may_manage(actor=request.user, commune=team.commune),
    }
    return render(request, "surveys/team_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a team (pk None) or change its name, members and villages."""
    team = selectors.team_get_for_user(user=request.user, pk=pk) if pk is not None else None
    communes = [team.commune] if team else selectors.team_communes_for_manager(user=request.user)
    if not communes:
        raise PermissionDenied
    form = TeamForm(request.POST or None, communes=communes, team=team)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with RefusalShown(request, form=form):
            if team is None:
                team = digital_team_create(
                    actor=request.user,
                    village=data["village"],
                    name=data["name"],
                    members=list(data["members"]),
                    villages=list(data["villages"]),
                )
            else:
                team = digital_team_update(
                    actor=request.user,
                    team=team,
                    name=data["name"],
                    members=list(data["members"]),
                    villages=list(data["villages"]),
                )
            messages.success(request, _("Đã lưu tổ “%(name)s”.") % {"name": team.name})
            return redirect("surveys:team-detail", team.pk)
    return render(request, "surveys/team_edit.html", {"form": form, "team": team})
