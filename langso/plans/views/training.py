"""The training pages (/ke-hoach/dao-tao/): courses and sessions within the reader's
scope, a session's attendance list with its picker of people, residents counted per
village, the attendance file import and certificate downloads. Reading needs the
scope; writing, the scope for keeping training records (the services check it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langso.accounts.selectors import user_has_permission_somewhere, user_has_unit_permission
from langso.core.files import file_response
from langso.core.forms import RefusalShown
from langso.core.services import job_create
from langso.core.tabular import MAX_FILE_BYTES, upload_store
from langso.core.uploads import upload_size_limit

from ..forms.training import (
    AttendanceAddForm,
    AttendanceImportForm,
    CertificateForm,
    CourseForm,
    ResidentCountForm,
    SessionForm,
)
from ..models import Session
from ..selectors import training as selectors
from ..services import training as services
from ..tasks.training import attendance_import_task


def _may_keep(request: HttpRequest, session: Session) -> bool:
    return session.unit.valid_to is None and user_has_unit_permission(
        user=request.user, permission=selectors.TRAINING_PERMISSION, unit=session.unit
    )


def _back_to_session(
    request: HttpRequest, session_id: int, *, done: str | None = None, refused: str = ""
) -> HttpResponse:
    """Back to the session page, saying what was done or why nothing was."""
    if refused:
        messages.error(request, refused)
    elif done:
        messages.success(request, done)
    return redirect("plans:training-session", session_id)


@login_required
@require_GET
def training_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "plans/training/home.html",
        {
            "courses": selectors.course_list_for_user(user=request.user)[:50],
            "sessions": selectors.session_list_for_user(user=request.user)[:50],
            "may_keep": user_has_permission_somewhere(
                user=request.user, permission=selectors.TRAINING_PERMISSION
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    if not user_has_permission_somewhere(
        user=request.user, permission=selectors.TRAINING_PERMISSION
    ):
        raise PermissionDenied
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with RefusalShown(form=form) as refusal:
            course = services.course_create(actor=request.user, **form.cleaned_data)
        if not refusal.failed:
            messages.success(request, _("Đã tạo khoá tập huấn."))
            return redirect("plans:training-course", course.pk)
    return render(request, "plans/training/course_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, pk=pk)
    may_keep = course.organiser.valid_to is None and user_has_unit_permission(
        user=request.user, permission=selectors.TRAINING_PERMISSION, unit=course.organiser
    )
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied
        if form.is_valid():
            with RefusalShown(form=form) as refusal:
                session = services.session_create(
                    actor=request.user, course=course, **form.cleaned_data
                )
            if not refusal.failed:
                messages.success(request, _("Đã thêm buổi tập huấn."))
                return redirect("plans:training-session", session.pk)
    return render(
        request,
        "plans/training/course_detail.html",
        {
            "course": course,
            "sessions": selectors.session_list_for_user(user=request.user, course=course),
            "form": form,
            "may_keep": may_keep,
        },
    )


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    may_keep = _may_keep(request, session)
    query = request.GET.get("q", "")[:100]
    found = selectors.people_search_for_user(user=request.user, query=query) if may_keep else []
    villages = selectors.session_villages(session=session)
    return render(
        request,
        "plans/training/session_detail.html",
        {
            "session": session,
            "attendances": selectors.session_attendances(session=session),
            "resident_counts": selectors.session_resident_counts(session=session),
            "may_keep": may_keep,
            "query": query,
            "add_form": AttendanceAddForm(
                choices=[(person.pk, f"{person.full_name} ({person.username})") for person in found]
            )
            if found
            else None,
            "resident_form": ResidentCountForm(
                villages=[(village.pk, village.name) for village in villages]
            ),
            "certificate_form": CertificateForm(),
        },
    )


@login_required
@require_POST
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    ids = [int(value) for value in request.POST.getlist("people") if value.isdigit()]
    people = selectors.people_in_scope(user=request.user, ids=ids)
    if not people or len(people) != len(set(ids)):
        return _back_to_session(
            request, session.pk, refused=_("Hãy chọn người tham dự trong danh sách tìm được.")
        )
    with RefusalShown(request) as refusal:
        services.attendance_record(
            actor=request.user,
            session=session,
            users=people,
            attended=request.POST.get("attended") != "0",
        )
    return _back_to_session(
        request, session.pk, done=None if refusal.failed else _("Đã ghi danh sách tham dự.")
    )


@login_required
@require_POST
def attendance_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    attendance = selectors.attendance_get_for_user(user=request.user, pk=pk)
    with RefusalShown(request) as refusal:
        services.attendance_withdraw(actor=request.user, attendance=attendance)
    return _back_to_session(
        request,
        attendance.session_id,
        done=None if refusal.failed else _("Đã rút người này khỏi danh sách."),
    )


@login_required
@require_POST
@upload_size_limit(20 * 1024 * 1024)
def certificate_set(request: HttpRequest, pk: int) -> HttpResponse:
    attendance = selectors.attendance_get_for_user(user=request.user, pk=pk)
    form = CertificateForm(request.POST, request.FILES)
    if not form.is_valid():
        return _back_to_session(request, attendance.session_id, refused=_("Hãy nhập số chứng chỉ."))
    with RefusalShown(request) as refusal:
        services.certificate_set(
            actor=request.user,
            attendance=attendance,
            number=form.cleaned_data["number"],
            upload=form.cleaned_data["upload"],
        )
    return _back_to_session(
        request, attendance.session_id, done=None if refusal.failed else _("Đã lưu chứng chỉ.")
    )


@login_required
@require_POST
def residents_set(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    villages = selectors.session_villages(session=session)
    form = ResidentCountForm(request.POST, villages=[(v.pk, v.name) for v in villages])
    if not form.is_valid():
        return _back_to_session(
            request, session.pk, refused=_("Hãy chọn thôn và nhập số người dân.")
        )
    village = villages.get(pk=form.cleaned_data["village"])
    with RefusalShown(request) as refusal:
        services.resident_attendance_set(
            actor=request.user,
            session=session,
            village=village,
            residents=form.cleaned_data["residents"],
            topic=form.cleaned_data["topic"],
        )
    return _back_to_session(
        request,
        session.pk,
        done=None if refusal.failed else _("Đã lưu số người dân được tập huấn."),
    )


@login_required
@require_http_methods(["GET", "POST"])
@upload_size_limit(MAX_FILE_BYTES)
def attendance_import(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    if not _may_keep(request, session):
        raise PermissionDenied
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        path = upload_store(form.cleaned_data["file"], prefix="dao-tao")
        job = job_create(kind="plans.attendance_import", created_by=request.user)
        actor_id, stored = int(request.user.pk or 0), str(path)
        transaction.on_commit(
            lambda: attendance_import_task.enqueue(
                job_id=job.pk, actor_id=actor_id, session_id=session.pk, path=stored
            )
        )
        return redirect("core:job-detail", job.pk)
    return render(
        request,
        "plans/training/attendance_import.html",
        {"session": session, "form": form, "columns": services.IMPORT_COLUMNS.values()},
    )


@login_required
@require_GET
def certificate_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A certificate's scan, to its holder or a reader of the session's unit."""
    attendance = selectors.certificate_get_for_user(user=request.user, pk=pk)
    return file_response(attendance.certificate_file, name=attendance.certificate_name)
