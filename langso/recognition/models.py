"""The recognition procedure as versioned data, and the dossiers (hồ sơ) that go
through it: a unit's self-assessment frozen into a snapshot, the public consultation,
the submission, the province's appraisal rounds, the recognition decision and its
revocation.

The steps themselves are fixed (`Step`), in the order the law runs them; what a
procedure version says of each — who acts, what documents it needs, its deadline in
working days, the consultation's length and the satisfaction threshold — is data
(`Procedure.spec`, read by `procedure.py`), with each fact's status and source as the
criteria catalogue keeps them. A unit's recognition, once decided, is a fact of the
criteria module (`criteria.models.Recognition`), which its pages and API show."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langso.core.errors import DomainError
from langso.core.files import RandomName
from langso.core.models import NamedInTwoLanguages
from langso.criteria.models import CriteriaSet, FactStatus, Origin
from langso.places.models import AdminUnit, Level


class Procedure(NamedInTwoLanguages, models.Model):
    """One version of a recognition procedure, national (no province) or a province's
    own variant. A version is never changed: a change (a threshold the province enters,
    a deadline it shortens) adds the next version, and dossiers keep the version they
    were opened under."""

    code = models.SlugField(_("mã"), max_length=64)
    version = models.PositiveIntegerField(_("phiên bản"))
    province = models.ForeignKey(
        AdminUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tỉnh ban hành"),
    )
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=300)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=300, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    level = models.CharField(_("cấp được công nhận"), max_length=10, choices=Level.choices)
    # The criteria set codes a dossier under this procedure may be opened for.
    set_codes: models.JSONField[list[str]] = models.JSONField(default=list)
    status = models.CharField(_("mức tin cậy"), max_length=12, choices=FactStatus.choices)
    sources: models.JSONField[list[dict[str, str]]] = models.JSONField(default=list)
    note = models.TextField(_("ghi chú"), blank=True)
    # The procedure as written (YAML), validated: see `procedure.py`.
    spec: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    origin = models.CharField(max_length=8, choices=Origin.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("quy trình công nhận")
        verbose_name_plural = _("quy trình công nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=Q(province__isnull=True),
                name="procedure_national_version",
            ),
            models.UniqueConstraint(
                fields=["code", "province", "version"],
                condition=Q(province__isnull=False),
                name="procedure_province_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Step(models.TextChoices):
    """The procedure's steps, in order. A dossier is at one of them (`Dossier.step`)."""

    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    CONSULTATION = "consultation", _("Lấy ý kiến công khai")
    SUBMISSION = "submission", _("Hoàn thiện và trình hồ sơ")
    APPRAISAL = "appraisal", _("Thẩm định")
    SUPPLEMENT = "supplement", _("Bổ sung hồ sơ")
    DECISION = "decision", _("Quyết định công nhận")
    RECOGNISED = "recognised", _("Đã công nhận")
    NOT_RECOGNISED = "not_recognised", _("Không công nhận")
    WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")
    REVOKED = "revoked", _("Đã thu hồi công nhận")


# A dossier at one of these is closed: another may be opened for the same unit, set
# and year only when none is open and the unit is not (still) recognised.
CLOSED_STEPS = (Step.RECOGNISED, Step.NOT_RECOGNISED, Step.WITHDRAWN, Step.REVOKED)


class Dossier(models.Model):
    """A unit's dossier for recognition against a set for a year. One open dossier per
    (unit, set code, year): the database refuses a second."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    # The unit's province, kept for the province's board (one indexed equality).
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    set_code = models.SlugField(max_length=64)
    year = models.PositiveSmallIntegerField(_("năm"))
    # The set version in force when the snapshot was frozen (the latest snapshot's).
    criteria_set = models.ForeignKey(
        CriteriaSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers")
    step = models.CharField(_("bước"), max_length=16, choices=Step.choices)
    # When the current step began, and by when it must be done (working days of the
    # procedure's deadline from `step_started_on`; null where the procedure sets none).
    step_started_on = models.DateField()
    step_due_on = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The residents' satisfaction the submission was checked against, as read then
    # (indicator, value, numerator, denominator, threshold, comparator, period).
    satisfaction: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("hồ sơ công nhận")
        verbose_name_plural = _("hồ sơ công nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "set_code", "year"],
                condition=~Q(step__in=CLOSED_STEPS),
                name="dossier_one_open_per_unit_set_year",
            )
        ]
        indexes = [
            models.Index(fields=["province", "step"], name="dossier_province_step"),
            models.Index(fields=["unit", "set_code", "year"], name="dossier_unit_set_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.set_code} {self.year} ({self.step})"

    @property
    def is_open(self) -> bool:
        return self.step not in CLOSED_STEPS


class Snapshot(models.Model):
    """The self-assessment frozen: every indicator's value, numerator and denominator,
    threshold, status and definition version, every assessment and the hash of each
    evidence file, as canonical JSON (`content`) whose SHA-256 is `sha256`. Never
    changed once written; a dossier revised after a supplement round freezes anew."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="snapshots")
    number = models.PositiveSmallIntegerField()
    content: models.JSONField[dict[str, Any]] = models.JSONField()
    sha256 = models.CharField(max_length=64, unique=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bản chốt tự đánh giá")
        verbose_name_plural = _("bản chốt tự đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="snapshot_dossier_number")
        ]
        ordering = ["dossier", "number"]

    def __str__(self) -> str:
        return f"{self.dossier_id} #{self.number} {self.sha256[:12]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Written once: its hash stands behind a legal decision, so a stored snapshot
        is never changed (a revised dossier freezes the next one)."""
        if not self._state.adding:
            raise DomainError(str(_("Bản chốt tự đánh giá đã lưu thì không được sửa.")))
        super().save(*args, **kwargs)


class SnapshotFile(models.Model):
    """A copy of an evidence file as it was when the snapshot froze it: the officer may
    replace the live file later; this one stays, and its hash is in the snapshot."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="files")
    indicator_code = models.CharField(max_length=16)
    file = models.FileField(upload_to=RandomName("recognition/snapshots"), max_length=300)
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    """A comment left on the public consultation page, by a resident or an organisation
    (Mặt trận Tổ quốc, a union), and the officer's answer, shown publicly beside it."""

    class Author(models.TextChoices):
        RESIDENT = "resident", _("Người dân")
        FATHERLAND_FRONT = "fatherland_front", _("Mặt trận Tổ quốc")
        UNION = "union", _("Đoàn thể chính trị - xã hội")
        OTHER = "other", _("Tổ chức khác")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="comments")
    author_kind = models.CharField(_("người góp ý"), max_length=20, choices=Author.choices)
    author_name = models.CharField(_("họ tên hoặc tên tổ chức"), max_length=150)
    # Optional; never shown publicly.
    contact = models.CharField(_("liên hệ"), max_length=150, blank=True)
    village = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("nội dung góp ý"))
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # An officer hides abuse with a reason; the comment stays stored and audited.
    hidden_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["dossier", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:40]}"


class Document(models.Model):
    """A document of the dossier: one the procedure requires (`kind` is its code in the
    procedure's spec) or another the commune adds. Replaced by uploading again; the
    replaced file stays, with `replaced_by`, so every round can be read as it was."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=32)
    file = models.FileField(upload_to=RandomName("recognition/documents"), max_length=300)
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dossier", "kind", "uploaded_at"]

    def __str__(self) -> str:
        return self.name


class AppraisalRound(models.Model):
    """One round of the province's appraisal: it ends returned with supplements asked,
    or concluded (recommend recognition, or not). Every round is kept."""

    class Outcome(models.TextChoices):
        RETURNED = "returned", _("Trả lại, yêu cầu bổ sung")
        RECOMMENDED = "recommended", _("Đề nghị công nhận")
        NOT_RECOMMENDED = "not_recommended", _("Không đề nghị công nhận")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    # What the commune must supply (returned rounds), one line each.
    supplements: models.JSONField[list[str]] = models.JSONField(default=list)
    conclusion = models.TextField(_("kết luận"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="round_dossier_number")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} round {self.number}"


class CriterionFinding(models.Model):
    """An appraiser's finding on one criterion of the snapshot: agrees or not with the
    commune's result, with notes."""

    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="findings")
    criterion_code = models.CharField(max_length=16)
    agrees = models.BooleanField()
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "criterion_code"], name="finding_round_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.criterion_code}: {self.agrees}"


class FieldVisit(models.Model):
    """A field visit (kiểm tra thực tế) of an appraisal round, with its minutes."""

    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("ngày kiểm tra"))
    members = models.TextField(_("thành phần đoàn"), blank=True)
    notes = models.TextField(_("kết quả kiểm tra"))
    file = models.FileField(upload_to=RandomName("recognition/visits"), max_length=300, blank=True)
    name = models.CharField(max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.round_id} {self.visited_on}"


class Decision(models.Model):
    """A decision of the province: recognition of the dossier's unit, or revocation of
    it. The signed PDF is checked against nothing; its hash is shown beside it."""

    class Kind(models.TextChoices):
        RECOGNITION = "recognition", _("Quyết định công nhận")
        REVOCATION = "revocation", _("Quyết định thu hồi công nhận")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    number = models.CharField(_("số quyết định"), max_length=64)
    signed_on = models.DateField(_("ngày ký"))
    signer = models.CharField(_("người ký"), max_length=150)
    reason = models.TextField(_("lý do"), blank=True)
    file = models.FileField(upload_to=RandomName("recognition/decisions"), max_length=300)
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind"], name="decision_dossier_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Transition(models.Model):
    """Every move of a dossier, who made it and why: the dossier's timeline."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=32)
    from_step = models.CharField(max_length=16, choices=Step.choices, blank=True)
    to_step = models.CharField(max_length=16, choices=Step.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.from_step} -> {self.to_step}"
