"""Writes of survey forms: publishing an XLSForm as a new version, its media files,
opening and closing. Each change is audited; a refused upload writes nothing."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide, user_has_unit_permission
from langso.core.actors import Actor
from langso.core.db import for_update
from langso.core.errors import AccessDenied, DomainError
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.places.models import AdminUnit

from ..entity_declarations import HOUSEHOLD_SAVE_TO
from ..models import FormAttachment, FormVersion, SurveyForm
from ..openrosa import md5_hash
from ..xlsforms import XFormInfo, XLSFormRejected, media_kind, xlsform_convert
from .encryption import form_version_encryption

# XLSForms are a few hundred kilobytes; the largest real ones (WHO verbal autopsy) ~1 MB.
MAX_XLSFORM_BYTES = 10 * 1024 * 1024
# Images, audio and video a form shows; CSVs of choices.
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# Lists the platform writes for each collector instead of an upload, by the file name
# the form refers to.
PLATFORM_DATASETS = {
    "households.csv": "households",
    "villages.csv": "villages",
}
# pyxform's external choices (select_one_external), written from the XLSForm's own
# sheet: the platform's only when pyxform made them. An XForm, or an XLSForm without
# external choices, that names an itemsets.csv brings its own.
ITEMSETS = "itemsets.csv"

_AUDITED = ["xml_form_id", "title", "unit", "is_open", "counts_before_approval"]

# The forms Làng Số ships: the household digital-readiness survey every team uses.
SHIPPED_FORMS = (Path(__file__).resolve().parent.parent / "forms" / "khao_sat_san_sang_so_ho.xlsx",)


def form_manage_check(*, actor: Actor, unit: AdminUnit | None) -> None:
    """Raise unless `actor` may publish and manage forms used at `unit` (None: the whole
    country, for central admins)."""
    if not actor.is_authenticated:
        raise AccessDenied(_("Bạn cần đăng nhập để quản lý biểu mẫu."))
    allowed = (
        is_nationwide(user=actor, permission=Permission.MANAGE_FORMS)
        if unit is None
        else user_has_unit_permission(user=actor, permission=Permission.MANAGE_FORMS, unit=unit)
    )
    if not allowed:
        raise AccessDenied(
            _("Bạn không có quyền quản lý biểu mẫu dùng tại %(place)s.")
            % {"place": unit.name if unit else _("toàn quốc")}
        )


@transaction.atomic
def form_publish(*, actor: Actor, name: str, data: bytes, unit: AdminUnit | None) -> FormVersion:
    """Publish an uploaded XLSForm or XForm: a new form, or a new version of the form
    with the same form id. pyxform converts an XLSForm and ODK Validate checks either;
    whatever they refuse raises XLSFormRejected with their reasons and nothing is
    stored. The uploaded file is kept as it came. A version number already published is
    refused: ODK Collect tells versions apart by it. Media files the previous version
    had under the same names carry over."""
    form_manage_check(actor=actor, unit=unit)
    if len(data) > MAX_XLSFORM_BYTES:
        raise XLSFormRejected(
            [
                _("Tệp quá lớn: %(size)s MB, tối đa %(max)s MB.")
                % {"size": round(len(data) / 2**20, 1), "max": MAX_XLSFORM_BYTES // 2**20}
            ]
        )
    converted = xlsform_convert(name=name, data=data)
    info = converted.info
    _check_entities(info)
    form = for_update(SurveyForm.objects.filter(xml_form_id=info.form_id)).first()
    previous: FormVersion | None = None
    if form is None:
        form = SurveyForm.objects.create(
            xml_form_id=info.form_id, title=info.title, unit=unit, created_by_id=actor.pk
        )
        audit_record(
            actor=actor,
            instance=form,
            action=AuditEntry.Action.CREATE,
            after=model_snapshot(form, _AUDITED),
        )
    else:
        form_manage_check(actor=actor, unit=form.unit)
        if form.unit_id != (unit.pk if unit else None):
            raise XLSFormRejected(
                [
                    _(
                        "Biểu mẫu “%(id)s” đã có, dùng tại %(place)s: tải phiên bản mới lên "
                        "cho đúng nơi đó, hoặc đổi form_id."
                    )
                    % {
                        "id": form.xml_form_id,
                        "place": form.unit.name if form.unit else _("toàn quốc"),
                    }
                ]
            )
        if form.versions.filter(version=info.version).exists():
            raise XLSFormRejected([_version_taken_message(form, info, converted.is_xform)])
        previous = form.versions.order_by("-published_at", "-pk").first()
        if form.title != info.title:
            form.title = info.title
            form.save(update_fields=["title"])
    xform, encryption_key = form_version_encryption(form=form, xform=converted.xform)
    version = FormVersion(
        form=form,
        version=info.version,
        title=info.title,
        xform=xform,
        xform_hash=md5_hash(xform.encode()),
        encryption_key=encryption_key,
        itemsets=converted.itemsets or "",
        warnings=list(converted.warnings),
        published_by_id=actor.pk,
    )
    version.xlsform_name = _upload_name(name, is_xform=converted.is_xform)
    version.xlsform.save(version.xlsform_name, ContentFile(data), save=False)
    version.save()
    _attachments_create(version, info.media, previous)
    audit_record(
        actor=actor,
        instance=version,
        action=AuditEntry.Action.CREATE,
        after={"version": version.version, "warnings": len(version.warnings)},
    )
    return version


def _version_taken_message(form: SurveyForm, info: XFormInfo, is_xform: bool) -> str:
    values = {"version": info.version, "id": form.xml_form_id}
    if is_xform:
        return (
            _(
                "Phiên bản “%(version)s” của biểu mẫu “%(id)s” đã được đăng. Tăng thuộc "
                "tính version của phần tử gốc trong instance chính của XForm rồi tải lên lại."
            )
            % values
        )
    return (
        _(
            "Phiên bản “%(version)s” của biểu mẫu “%(id)s” đã được đăng. Tăng "
            "“version” trong trang settings của XLSForm rồi tải lên lại."
        )
        % values
    )


def _upload_name(name: str, *, is_xform: bool) -> str:
    """The name the uploaded file is kept under: its own, with .xml on an XForm (one
    is recognised by its content, whatever its name)."""
    stored = PurePosixPath(name).name
    if is_xform:
        return stored if stored.lower().endswith(".xml") else f"{stored or 'form'}.xml"
    return stored or "form.xlsx"


def _check_entities(info: XFormInfo) -> None:
    """A form that writes to households declares it once, at its root, and may save
    only to fields the registry takes from a survey: anything else would be refused,
    or silently ignored, at every submission."""
    if "households" not in info.entity_datasets:
        return
    for dataset, path in info.nested_entities:
        if dataset != "households":
            continue
        repeat = next((r for r in info.repeats if path == r or path.startswith(f"{r}/")), None)
        if repeat is not None:
            raise XLSFormRejected(
                [
                    _(
                        "Nhóm lặp “%(name)s” (%(path)s) khai báo thực thể hộ gia đình "
                        "(households): Làng Số chưa ghi được một hộ cho mỗi lần lặp, nên "
                        "bài nộp sẽ không cập nhật hộ nào. Chỉ đặt save_to cho các câu hỏi "
                        "ngoài nhóm lặp, để khai báo thực thể nằm ở cấp gốc của biểu mẫu."
                    )
                    % {"name": repeat.rsplit("/", 1)[-1], "path": repeat}
                ]
            )
        raise XLSFormRejected(
            [
                _(
                    "Nhóm “%(name)s” (%(path)s) khai báo thực thể hộ gia đình (households): "
                    "Làng Số chỉ đọc khai báo ở cấp gốc của biểu mẫu, nên bài nộp sẽ không "
                    "cập nhật hộ nào. Đặt khai báo thực thể ở cấp gốc của biểu mẫu."
                )
                % {"name": path.rsplit("/", 1)[-1], "path": path}
            ]
        )
    unknown = sorted(set(info.saves_to.values()) - set(HOUSEHOLD_SAVE_TO))
    if unknown:
        raise XLSFormRejected(
            [
                _(
                    "Cột save_to ghi vào “%(names)s”, không phải trường của hộ gia đình. "
                    "Các trường ghi được: %(allowed)s."
                )
                % {"names": ", ".join(unknown), "allowed": ", ".join(HOUSEHOLD_SAVE_TO)}
            ]
        )


def _attachments_create(
    version: FormVersion, names: tuple[str, ...], previous: FormVersion | None
) -> None:
    kept = {a.name: a for a in previous.attachments.all()} if previous is not None else {}
    attachments = []
    for name in names:
        dataset = PLATFORM_DATASETS.get(name, "")
        if name == ITEMSETS and version.itemsets:
            dataset = "itemsets"
        attachment = FormAttachment(
            version=version, name=name, kind=media_kind(version.xform, name), dataset=dataset
        )
        earlier = kept.get(name)
        if not dataset and earlier is not None and earlier.file:
            # The same stored file: a new version of the form needs no new upload.
            attachment.file.name = earlier.file.name
            attachment.file_hash = earlier.file_hash
            attachment.uploaded_at = earlier.uploaded_at
        attachments.append(attachment)
    FormAttachment.objects.bulk_create(attachments)


@transaction.atomic
def form_attachment_upload(
    *, actor: Actor, attachment: FormAttachment, name: str, data: bytes
) -> FormAttachment:
    """Store the file a form version refers to by `attachment.name`, a path when the
    form names one (jr://file/a/b.csv: "a/b.csv"). The uploaded file must bear that
    path or its last part (a browser sends the bare file name); a list the platform
    writes takes no upload."""
    form = attachment.version.form
    form_manage_check(actor=actor, unit=form.unit)
    if attachment.dataset:
        raise DomainError(
            _("Tệp “%(name)s” do Làng Số tạo cho từng người thu thập; không cần tải lên.")
            % {"name": attachment.name}
        )
    if name != attachment.name and PurePosixPath(name).name != PurePosixPath(attachment.name).name:
        raise DomainError(
            _("Biểu mẫu cần tệp tên “%(expected)s”, không phải “%(name)s”.")
            % {"expected": attachment.name, "name": PurePosixPath(name).name[:100]}
        )
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise DomainError(
            _("Tệp quá lớn: %(size)s MB, tối đa %(max)s MB.")
            % {"size": round(len(data) / 2**20, 1), "max": MAX_ATTACHMENT_BYTES // 2**20}
        )
    before = {"file_hash": attachment.file_hash}
    attachment.file.save(attachment.name, ContentFile(data), save=False)
    attachment.file_hash = md5_hash(data)
    attachment.uploaded_at = timezone.now()
    attachment.save(update_fields=["file", "file_hash", "uploaded_at"])
    audit_record(
        actor=actor,
        instance=attachment,
        action=AuditEntry.Action.UPDATE,
        before=before,
        after={"file_hash": attachment.file_hash},
    )
    return attachment


@transaction.atomic
def form_settings_set(
    *, actor: Actor, form: SurveyForm, is_open: bool, counts_before_approval: bool
) -> SurveyForm:
    """Open or close the form to new submissions, and say whether they count before a
    reviewer approves them."""
    form_manage_check(actor=actor, unit=form.unit)
    before = model_snapshot(form, _AUDITED)
    form.is_open = is_open
    form.counts_before_approval = counts_before_approval
    form.save(update_fields=["is_open", "counts_before_approval"])
    audit_record(
        actor=actor,
        instance=form,
        action=AuditEntry.Action.UPDATE,
        before=before,
        after=model_snapshot(form, _AUDITED),
    )
    return form


def shipped_forms_publish(*, actor: Actor) -> list[FormVersion]:
    """Publish the forms Làng Số ships, nationwide, where this version of a form is not
    published yet: rerunning changes nothing. Returns the versions published now."""
    published = []
    for path in SHIPPED_FORMS:
        data = path.read_bytes()
        info = xlsform_convert(name=path.name, data=data).info
        if FormVersion.objects.filter(
            form__xml_form_id=info.form_id, version=info.version
        ).exists():
            continue
        published.append(form_publish(actor=actor, name=path.name, data=data, unit=None))
    return published
