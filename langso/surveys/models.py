"""Survey forms (an XLSForm published as versions of an XForm, with the media files the
form shows), the submissions collectors send, their review, and the community digital
teams who go door to door with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langso.core.files import RandomName
from langso.places.models import AdminUnit
from langso.registry.models import Household


class SurveyForm(models.Model):
    """A form collectors fill, known to ODK tools by its `xml_form_id`. Filled in the
    subtree of `unit` (nowhere else), or across the country when `unit` is empty."""

    # OpenRosa: servers must take ids of up to 249 characters (xlsforms.MAX_FORM_ID_LENGTH).
    xml_form_id = models.CharField(_("mã biểu mẫu"), max_length=249, unique=True)
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
    # Named by migration 0001; files are now stored under random names (RandomName).
    return RandomName("surveys/xlsforms")(version, filename)


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
    xlsform = models.FileField(
        _("tệp XLSForm"), upload_to=RandomName("surveys/xlsforms"), max_length=300
    )
    # The name the uploaded file had, given back on download.
    xlsform_name = models.CharField(max_length=255, blank=True)
    # External choices (select_one_external) as pyxform writes them, when any.
    itemsets = models.TextField(blank=True)
    warnings = models.JSONField(default=list)
    accepts_submissions = models.BooleanField(_("nhận bài"), default=True)
    # The key its submissions are encrypted with (base64RsaPublicKey), when it has one.
    encryption_key = models.ForeignKey(
        "FormEncryptionKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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
    # Named by migration 0001; files are now stored under random names (RandomName).
    return RandomName("surveys/media")(attachment, filename)


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
    file = models.FileField(upload_to=RandomName("surveys/media"), max_length=400, blank=True)
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


class EntityAction(models.TextChoices):
    UPDATE = "update", _("Cập nhật hộ")
    CREATE = "create", _("Thêm hộ mới")


class EntityState(models.TextChoices):
    """What became of the household values a submission carries."""

    NONE = "", _("Không có dữ liệu hộ")
    # The form counts only approved data: applied when a reviewer approves.
    PENDING = "pending", _("Chờ duyệt")
    APPLIED = "applied", _("Đã ghi vào hộ")
    # Made against an older state of the household: a reviewer chooses field by field.
    CONFLICT = "conflict", _("Xung đột")
    RESOLVED = "resolved", _("Đã xử lý xung đột")
    INVALID = "invalid", _("Giá trị không hợp lệ")
    DISCARDED = "discarded", _("Không ghi (bài bị từ chối)")


class Submission(models.Model):
    """A filled form as a collector sent it: the raw XML, kept whatever happens next,
    and its attachments. Identified by the instance id the client gave it, so that a
    retried upload is recognised and never stored twice."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Đã nhận")
        HAS_ISSUES = "has_issues", _("Có vấn đề")
        # Stored as sent, waiting for an officer with the form's passphrase.
        ENCRYPTED = "encrypted", _("Chưa giải mã")
        APPROVED = "approved", _("Đã duyệt")
        REJECTED = "rejected", _("Từ chối")

    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="submissions")
    # The version's form, kept on the row because ODK keys an instance id per form:
    # the same id sent to two forms is two submissions (`submission_instance_per_form`).
    form = models.ForeignKey(SurveyForm, on_delete=models.PROTECT, related_name="+")
    instance_id = models.CharField(max_length=100)
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

    # What the submission says of a household, through the form's entity block
    # (meta/entity) and its save_to fields: which household, the values it gives (in
    # the registry's terms), and the household's version the collector saw.
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entity_action = models.CharField(max_length=8, choices=EntityAction.choices, blank=True)
    entity_values = models.JSONField(default=dict, blank=True)
    base_version = models.BigIntegerField(null=True, blank=True)
    entity_state = models.CharField(
        max_length=10, choices=EntityState.choices, default=EntityState.NONE, blank=True
    )
    # Why the values were not applied (invalid values, say), in Vietnamese.
    entity_message = models.TextField(blank=True)
    # The household's values before this submission changed them, and its version
    # after: a rejection restores them while nothing else has changed the household.
    entity_before = models.JSONField(default=dict, blank=True)
    applied_version = models.BigIntegerField(null=True, blank=True)
    # A conflict's resolution: for each field, "submission" or "household".
    resolution = models.JSONField(default=dict, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    # Where a submission that names no existing household was made, in the ancestor
    # columns registry rows carry, so that scoping it is one equality: the village a new
    # household was found in (whether its values were taken or not), or else the one
    # unit where its collector collects. Empty when it is neither (see
    # `selectors.submission_list_for_user`).
    province = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("bài khảo sát")
        verbose_name_plural = _("các bài khảo sát")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "instance_id"], name="submission_instance_per_form"
            )
        ]
        indexes = [
            models.Index(fields=["version", "-received_at"], name="submission_version_newest"),
            models.Index(fields=["household", "-received_at"], name="submission_household"),
        ]

    def __str__(self) -> str:
        return self.instance_id

    def place_at(self, unit: AdminUnit) -> None:
        """Place the submission in `unit` (a village, a commune or a province)."""
        self.province_id = unit.province_id
        self.commune_id = unit.commune_id
        self.village_id = unit.village_id

    @property
    def place(self) -> AdminUnit | None:
        """The lowest unit the submission is placed in, if any."""
        return self.village or self.commune or self.province


class FormEncryptionKey(models.Model):
    """An RSA key pair a form's submissions are encrypted with (ODK's encryption).
    Managed: Làng Số made it, as ODK Central does, and keeps the private key sealed
    under a key derived from a passphrase an officer chose and the platform never
    stores (`encryption.SealedKey`). Self-supplied: the form came with its own public
    key; its submissions are kept encrypted, for whoever holds the private key."""

    form = models.ForeignKey(SurveyForm, on_delete=models.CASCADE, related_name="encryption_keys")
    # Base64 of the DER SubjectPublicKeyInfo, as the XForm's base64RsaPublicKey.
    public_key = models.TextField()
    managed = models.BooleanField(default=False)
    sealed_private_key = models.BinaryField(blank=True, default=b"")
    kdf_salt = models.BinaryField(blank=True, default=b"")
    kdf_iterations = models.PositiveIntegerField(default=0)
    nonce = models.BinaryField(blank=True, default=b"")
    hint = models.CharField(_("gợi ý cụm mật khẩu"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khoá mã hoá biểu mẫu")
        verbose_name_plural = _("các khoá mã hoá biểu mẫu")
        constraints = [
            # Central's rule too: managed encryption, once on, stays with its one key.
            models.UniqueConstraint(
                fields=["form"], condition=Q(managed=True), name="form_one_managed_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.form_id} {'managed' if self.managed else 'self-supplied'}"


class SubmissionEncryption(models.Model):
    """What an encrypted submission came with: its manifest (the XML part as sent,
    which a resent POST is compared with), the key it was encrypted with, and, once an
    officer decrypted it, who and when — or why it could not be."""

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="encryption"
    )
    key = models.ForeignKey(FormEncryptionKey, on_delete=models.PROTECT, related_name="+")
    manifest = models.TextField()
    # Why decrypting failed (a corrupt or tampered file), in Vietnamese.
    problem = models.TextField(blank=True)
    decrypted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decrypted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.submission_id)


def _submission_file_path(attachment: SubmissionAttachment, filename: str) -> str:
    # Named by migration 0001; files are now stored under random names (RandomName).
    return RandomName("surveys/submissions")(attachment, filename)


class SubmissionAttachment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to=RandomName("surveys/submissions"), max_length=400)
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
    xml_form_id = models.CharField(max_length=249, blank=True)
    instance_id = models.CharField(max_length=100, blank=True)
    reason = models.TextField()
    xml = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.instance_id or '?'}: {self.reason[:60]}"


class SubmissionComment(models.Model):
    """A reviewer's comment, and the state it moved the submission to, if any."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("nhận xét"), blank=True)
    state = models.CharField(max_length=12, choices=Submission.State.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class DigitalTeam(models.Model):
    """A community digital-technology team (tổ công nghệ số cộng đồng): one per
    village, whose members go door to door in the villages assigned to it (its own,
    and others where a village has no team of its own)."""

    name = models.CharField(_("tên tổ"), max_length=200)
    commune = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã")
    )
    village = models.OneToOneField(
        AdminUnit,
        on_delete=models.PROTECT,
        related_name="digital_team",
        verbose_name=_("thôn của tổ"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="digital_teams", verbose_name=_("thành viên")
    )
    villages = models.ManyToManyField(AdminUnit, related_name="+", verbose_name=_("thôn được giao"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tổ công nghệ số cộng đồng")
        verbose_name_plural = _("các tổ công nghệ số cộng đồng")

    def __str__(self) -> str:
        return self.name


class HelpGiven(models.TextChoices):
    """What a team helped a household with on a visit."""

    VNEID = "vneid", _("Cài đặt, kích hoạt VNeID")
    EPAYMENT = "epayment", _("Mở tài khoản thanh toán điện tử")
    PUBLIC_SERVICE = "public_service", _("Đăng ký tài khoản dịch vụ công")
    CHAT_GROUP = "chat_group", _("Tham gia nhóm Zalo của thôn")
    SMARTPHONE = "smartphone", _("Hướng dẫn dùng điện thoại thông minh")


class Visit(models.Model):
    """A team member's visit to a household: when, how it went, what they helped with.
    Written from each submission about a household, or entered by hand."""

    class Outcome(models.TextChoices):
        SURVEYED = "surveyed", _("Đã khảo sát")
        NOT_HOME = "not_home", _("Vắng nhà")
        REFUSED = "refused", _("Từ chối")
        MOVED_AWAY = "moved_away", _("Đã chuyển đi")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    # Where the household was at the visit: progress counts per village (empty for a
    # household of a commune that has no village list yet).
    village = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        DigitalTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_on = models.DateField(_("ngày đến"))
    outcome = models.CharField(_("kết quả"), max_length=12, choices=Outcome.choices)
    help_given = models.JSONField(_("đã hỗ trợ"), default=list, blank=True)
    submission = models.OneToOneField(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="visit"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần đến hộ")
        verbose_name_plural = _("các lần đến hộ")
        indexes = [
            models.Index(fields=["village", "household"], name="visit_village_household"),
            models.Index(fields=["team", "-visited_on"], name="visit_team_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_on}"

    @property
    def help_labels(self) -> list[str]:
        labels = dict(HelpGiven.choices)
        return [str(labels.get(code, code)) for code in self.help_given]
