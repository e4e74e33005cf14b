"""Survey forms: an XLSForm published as versions of an XForm, with the media files the
form shows. Submissions, teams and visits come with the OpenRosa server."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langso.places.models import AdminUnit


class SurveyForm(models.Model):
    """A form collectors fill, known to ODK tools by its `xml_form_id`. Filled in the
    subtree of `unit` (nowhere else), or across the country when `unit` is empty."""

    xml_form_id = models.CharField(_("mã biểu mẫu"), max_length=64, unique=True)
    title = models.CharField(_("tên biểu mẫu"), max_length=200)
    unit = models.ForeignKey(
        AdminUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dùng tại"),
    )
    is_open = models.BooleanField(_("đang nhận bài"), default=True)
    # Whether a submission's values count (reach households and indicators) as soon as
    # it is received, or only once a reviewer approves it.
    counts_before_approval = models.BooleanField(_("tính ngay khi nhận"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("biểu mẫu khảo sát")
        verbose_name_plural = _("các biểu mẫu khảo sát")

    def __str__(self) -> str:
        return self.xml_form_id


def _xlsform_path(version: FormVersion, filename: str) -> str:
    # Form ids may hold spaces and dots: the folder is the form's row id. The storage
    # gives a second file of the same name a suffix of its own.
    return f"surveys/forms/{version.form_id}/{filename}"


class FormVersion(models.Model):
    """One upload of a form: its XLSForm, the XForm pyxform made of it, and what ODK
    Validate warned about. The newest is what collectors download; submissions made
    with older versions stay readable, and are accepted while the version accepts them."""

    form = models.ForeignKey(SurveyForm, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(_("phiên bản"), max_length=64, blank=True)
    title = models.CharField(_("tên biểu mẫu"), max_length=200)
    xform = models.TextField()
    # "md5:<hex>" of the XForm, as OpenRosa's form list announces it.
    xform_hash = models.CharField(max_length=40)
    xlsform = models.FileField(_("tệp XLSForm"), upload_to=_xlsform_path, max_length=300)
    # External choices (select_one_external) as pyxform writes them, when any.
    itemsets = models.TextField(blank=True)
    warnings = models.JSONField(default=list)
    accepts_submissions = models.BooleanField(_("nhận bài"), default=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản biểu mẫu")
        verbose_name_plural = _("các phiên bản biểu mẫu")
        constraints = [
            models.UniqueConstraint(fields=["form", "version"], name="form_version_unique")
        ]
        indexes = [models.Index(fields=["form", "-published_at"], name="form_version_newest")]

    def __str__(self) -> str:
        return f"{self.form.xml_form_id} {self.version}"


def _attachment_path(attachment: FormAttachment, filename: str) -> str:
    return f"surveys/forms/{attachment.version.form_id}/media/{attachment.name}"


class FormAttachment(models.Model):
    """A file a form version refers to (jr://images/…, jr://file-csv/…): uploaded by
    an officer, or, for an entity list the platform keeps, written for each collector
    when they download the form (`dataset`)."""

    class Kind(models.TextChoices):
        IMAGE = "images", _("Ảnh")
        AUDIO = "audio", _("Âm thanh")
        VIDEO = "video", _("Video")
        FILE = "file", _("Tệp")
        CSV = "file-csv", _("Tệp CSV")

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("tên tệp"), max_length=255)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=_attachment_path, max_length=400, blank=True)
    # "md5:<hex>" of the uploaded file, as OpenRosa's manifest announces it.
    file_hash = models.CharField(max_length=40, blank=True)
    # The entity list the platform writes in place of an upload ("households").
    dataset = models.CharField(max_length=32, blank=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tệp đính kèm biểu mẫu")
        verbose_name_plural = _("các tệp đính kèm biểu mẫu")
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="form_attachment_unique"),
            models.CheckConstraint(
                condition=Q(dataset="") | Q(file=""), name="form_attachment_dataset_no_file"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_ready(self) -> bool:
        """Whether collectors can download it: uploaded, or written by the platform."""
        return bool(self.dataset or self.file)


class CollectorCredential(models.Model):
    """The app password a collector types into ODK Collect (or scans as a QR code): a
    random token, stored as its SHA-256. Not the account password, so that a lost phone
    is revoked without locking the person out, and checking it costs microseconds per
    submission rather than a password hash's hundred milliseconds."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collector_credential"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.user)


class Submission(models.Model):
    """A filled form as a collector sent it: the raw XML, kept whatever happens next,
    and its attachments. Identified by the instance id the client gave it, so that a
    retried upload is recognised and never stored twice."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Đã nhận")
        HAS_ISSUES = "has_issues", _("Có vấn đề")
        APPROVED = "approved", _("Đã duyệt")
        REJECTED = "rejected", _("Từ chối")

    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="submissions")
    instance_id = models.CharField(max_length=100, unique=True)
    # The submission this one edits (ODK's deprecatedID), once it has replaced it.
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    xml = models.TextField()
    # False while the client has said more attachments follow (*isIncomplete*).
    is_complete = models.BooleanField(default=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bài khảo sát")
        verbose_name_plural = _("các bài khảo sát")
        indexes = [
            models.Index(fields=["version", "-received_at"], name="submission_version_newest")
        ]

    def __str__(self) -> str:
        return self.instance_id


def _submission_file_path(attachment: SubmissionAttachment, filename: str) -> str:
    return f"surveys/submissions/{attachment.submission_id}/{attachment.name}"


class SubmissionAttachment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to=_submission_file_path, max_length=400)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "name"], name="submission_file_unique")
        ]

    def __str__(self) -> str:
        return self.name


class RefusedSubmission(models.Model):
    """A submission refused with an OpenRosa error, kept for inspection: what was sent
    (when it parsed as XML), by whom, and why."""

    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    xml_form_id = models.CharField(max_length=64, blank=True)
    instance_id = models.CharField(max_length=100, blank=True)
    reason = models.TextField()
    xml = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.instance_id or '?'}: {self.reason[:60]}"
