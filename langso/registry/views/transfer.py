"""Imports and exports of the registries: the upload page (the import itself runs as a
background job whose page shows the progress and every bad row), the XLSX template, and
the export of the reader's scope in the import's own format, CSV or XLSX."""

from __future__ import annotations

import tempfile
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from langso.accounts.roles import ROLE_PERMISSIONS, Permission
from langso.accounts.selectors import role_list_for_user, unit_get_for_user, unit_label
from langso.core import exports
from langso.core.actors import Actor
from langso.core.errors import DomainError
from langso.core.services import job_create
from langso.core.tabular import upload_check, upload_store
from langso.core.uploads import upload_size_limit
from langso.places.models import AdminUnit

from ..selectors.exports import registry_export_rows
from ..tasks import registry_import_rows_task
from ..transfer import (
    MAX_FILE_BYTES,
    Transfer,
    csv_rows,
    template_bytes,
    transfer_for,
    transfers,
    write_xlsx,
)


def _transfer_or_404(registry: str) -> Transfer:
    transfer = transfer_for(registry)
    if transfer is None:
        raise Http404(_("Không có sổ đăng ký này."))
    return transfer


def _managed_units(user: Actor) -> list[AdminUnit]:
    """The units of the user's roles that allow keeping registries."""
    units: dict[int, AdminUnit] = {}
    for assignment in role_list_for_user(user=user):
        unit = assignment.unit
        allowed = Permission.MANAGE_REGISTRIES in ROLE_PERMISSIONS[assignment.role]
        if allowed and unit is not None and unit.valid_to is None:
            units[unit.pk] = unit
    return sorted(units.values(), key=lambda u: u.code)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp CSV hoặc XLSX"),
        help_text=gettext_lazy(
            "CSV (UTF-8 hoặc Windows-1258, phân cách bằng dấu phẩy, chấm phẩy hoặc tab) hoặc "
            "XLSX, dòng đầu là tiêu đề."
        ),
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("Nhập cho"),
        required=False,
        help_text=gettext_lazy("Mọi dòng của tệp phải thuộc đơn vị này."),
    )

    def __init__(self, *args: Any, units: list[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {str(unit.pk): unit for unit in units}
        unit_field = cast(forms.ChoiceField, self.fields["unit"])
        unit_field.choices = [
            ("", _("Toàn bộ phạm vi được quản lý")),
            *((str(unit.pk), unit_label(unit)) for unit in units),
        ]

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        # Refused by its declared size and name, before a byte of it is stored or read.
        try:
            upload_check(upload, max_bytes=MAX_FILE_BYTES)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload

    def chosen_unit(self) -> AdminUnit | None:
        return self.units.get(self.cleaned_data.get("unit") or "")


@login_required
@require_http_methods(["GET", "POST"])
@upload_size_limit(MAX_FILE_BYTES)
def registry_import(request: HttpRequest, registry: str) -> HttpResponse:
    """Upload a file; a background job imports it and its page shows how it went."""
    transfer = _transfer_or_404(registry)
    if not request.user.has_perm(Permission.MANAGE_REGISTRIES):
        raise PermissionDenied
    form = ImportForm(
        request.POST or None, request.FILES or None, units=_managed_units(request.user)
    )
    if request.method == "POST" and form.is_valid():
        unit = form.chosen_unit()
        path = upload_store(form.cleaned_data["file"], prefix=transfer.slug)
        job = job_create(kind=f"registry.import.{transfer.registry}", created_by=request.user)
        arguments: dict[str, Any] = {
            "job_id": job.pk,
            "actor_id": request.user.pk,
            "registry": transfer.registry,
            "path": str(path),
            "unit_id": unit.pk if unit is not None else None,
        }
        transaction.on_commit(lambda: registry_import_rows_task.enqueue(**arguments))
        return redirect("core:job-detail", job.pk)
    return render(
        request,
        "registry/import_upload.html",
        {
            "form": form,
            "transfer": transfer,
            "registries": transfers().values(),
            "max_megabytes": MAX_FILE_BYTES // (1024 * 1024),
        },
    )


@login_required
@require_GET
def registry_import_template(request: HttpRequest, registry: str) -> HttpResponse:
    """The XLSX template of a registry's import, with a sheet explaining each column."""
    transfer = _transfer_or_404(registry)
    return exports.attachment(
        f"mau-nhap-{transfer.slug}.xlsx", template_bytes(transfer), exports.XLSX_CONTENT_TYPE
    )


def _export_unit(request: HttpRequest) -> AdminUnit | None:
    """The unit named by `?unit=<code>`, if the reader may see it; otherwise the 404 page,
    the same whether the unit exists or lies outside the reader's scope."""
    code = request.GET.get("unit", "").strip()
    return unit_get_for_user(user=request.user, code=code) if code else None


@login_required
@require_GET
def registry_export(request: HttpRequest, registry: str) -> HttpResponse | StreamingHttpResponse:
    """Every row of the registry in the reader's scope (`?unit=` narrows it), in the
    import's format: `?format=csv` (the default, streamed row by row, any size) or
    `?format=xlsx` (one sheet, at most Excel's 1,048,575 rows)."""
    transfer = _transfer_or_404(registry)
    if not request.user.has_perm(Permission.VIEW_SCOPED):
        raise PermissionDenied
    unit = _export_unit(request)
    kind = request.GET.get("format", "csv")
    if kind not in ("csv", "xlsx"):
        raise Http404(_("Định dạng không hỗ trợ."))
    rows = registry_export_rows(user=request.user, registry=transfer.registry, unit=unit)
    stem = f"{transfer.slug}-{unit.code if unit else 'pham-vi'}-{timezone.localdate():%Y%m%d}"
    if kind == "csv":
        return exports.csv_streaming_response(
            f"{stem}.csv", list(transfer.headers.values()), csv_rows(transfer, rows)
        )
    # The workbook is written to a temporary file, never held whole in memory.
    spool = tempfile.TemporaryFile()  # noqa: SIM115  # FileResponse closes it
    try:
        write_xlsx(transfer, rows, spool)
    except exports.TooManyRows:
        spool.close()
        return HttpResponse(
            _(
                "Có hơn %(limit)s dòng, quá số dòng một trang tính Excel chứa được; hãy tải "
                "dạng CSV hoặc chọn một đơn vị nhỏ hơn."
            )
            % {"limit": f"{exports.XLSX_MAX_ROWS:,}".replace(",", ".")},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{stem}.xlsx", content_type=exports.XLSX_CONTENT_TYPE
    )
