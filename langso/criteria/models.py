"""NTM criteria sets as versioned data: a set (bộ tiêu chí) of criteria (tiêu chí), each
met through its indicators (chỉ tiêu), and set-level conditions; the officers'
assessments of what no figure can show; and each commune's classification for a year
(region, commune group, hardship), which picks its thresholds."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langso.core.files import RandomName
from langso.core.models import NamedInTwoLanguages
from langso.places.models import AdminUnit, CommuneGroup, Level, Region


class FactStatus(models.TextChoices):
    """How sure the catalogue is of a fact (see the header of `catalogue.yaml`)."""

    VERIFIED = "verified", _("Đã kiểm chứng")
    SECONDARY = "secondary", _("Nguồn thứ cấp")
    INFERRED = "inferred", _("Suy luận")
    UNKNOWN = "unknown", _("Chưa rõ")
    PROVINCIAL = "provincial", _("Do tỉnh quy định")


class VariesBy(models.TextChoices):
    NOTHING = "", _("Không phân biệt")
    REGION = "region", _("Theo vùng")
    COMMUNE_GROUP = "commune_group", _("Theo nhóm xã")


class Origin(models.TextChoices):
    SHIPPED = "shipped", _("Kèm theo phần mềm")
    EDITED = "edited", _("Sửa trên giao diện")
    IMPORTED = "imported", _("Nhập từ tệp")


class CriteriaSet(NamedInTwoLanguages, models.Model):
    """One version of a criteria set, national (no province) or a province's own: its
    variant of a national set (the thresholds the national text leaves to it) or a set
    it defines (thôn thông minh). A version is never changed; a change adds the next,
    and its criteria and indicators are rows of that version."""

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
    level = models.CharField(_("cấp áp dụng"), max_length=10, choices=Level.choices)
    year_from = models.PositiveSmallIntegerField(_("từ năm"))
    year_to = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    varies_by = models.CharField(
        _("ngưỡng phân biệt"), max_length=16, choices=VariesBy.choices, blank=True
    )
    status = models.CharField(_("mức tin cậy"), max_length=12, choices=FactStatus.choices)
    sources: models.JSONField[list[dict[str, str]]] = models.JSONField(default=list)
    note = models.TextField(_("ghi chú"), blank=True)
    # The set as written (YAML or the import), validated: see `catalogue.py`.
    spec: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    origin = models.CharField(max_length=8, choices=Origin.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=Q(province__isnull=True),
                name="criteria_set_national_version",
            ),
            models.UniqueConstraint(
                fields=["code", "province", "version"],
                condition=Q(province__isnull=False),
                name="criteria_set_province_version",
            ),
        ]
        indexes = [models.Index(fields=["code", "province"], name="criteria_set_code_province")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def is_national(self) -> bool:
        return self.province_id is None

    @property
    def hardship_region_label(self) -> str:
        """The name of the region whose thresholds hardship communes use (318/QĐ-TTg)."""
        region = self.spec.get("hardship_region") or ""
        return str(Region(region).label) if region in Region.values else str(region)

    def applies_in(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)


class Criterion(models.Model):
    """A criterion (tiêu chí) of one set version: met when all its indicators are."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("số"), max_length=16)
    name_vi = models.CharField(_("tên"), max_length=300)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=300, blank=True)
    group = models.CharField(_("nhóm"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField()
    status = models.CharField(_("mức tin cậy"), max_length=12, choices=FactStatus.choices)
    sources: models.JSONField[list[dict[str, str]]] = models.JSONField(default=list)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_set_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name_vi}"


class IndicatorMethod(models.TextChoices):
    """How an indicator is judged (not the kind of a unit, `places.models.Kind`)."""

    COMPUTED = "computed", _("Tính từ chỉ số")
    ASSESSED = "assessed", _("Cán bộ đánh giá")
    COMPOSITE = "composite", _("Tỷ lệ đơn vị cấp dưới đạt")


class Comparator(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"
    EQ = "eq", "="
    # A presence entered by the unit (a postal point, free wifi): it has it.
    PRESENT = "present", _("có")


class CompositeMeasure(models.TextChoices):
    PERCENT = "percent", _("% đơn vị")
    COUNT = "count", _("số đơn vị")


class CriterionIndicator(models.Model):
    """An indicator (chỉ tiêu) of a criterion, such as "8.4", or a set-level condition
    (no criterion), such as a model commune's "at least one smart village".

    - computed: an indicator's value against a threshold, per region or commune group
      where the set varies by them; a threshold absent from `thresholds` is unknown;
    - assessed: an officer records đạt / chưa đạt with evidence;
    - composite: how many sub-units (or the unit itself, `over` = "self") meet a set,
      or one criterion of it, against a threshold in percent or in units.
    """

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="indicators"
    )
    criterion = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("mã"), max_length=16)
    name_vi = models.CharField(_("tên"), max_length=500)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("cách đánh giá"), max_length=10, choices=IndicatorMethod.choices)
    # computed
    indicator = models.SlugField(_("chỉ số"), max_length=64, blank=True)
    comparator = models.CharField(
        _("so sánh"), max_length=8, choices=Comparator.choices, blank=True
    )
    # {"*": 80} for every unit, or {"TDMNPB": 70, "DBSH": 90, ...}; strings as written.
    thresholds: models.JSONField[dict[str, str]] = models.JSONField(default=dict)
    threshold_status = models.CharField(max_length=12, choices=FactStatus.choices, blank=True)
    # Whether a province may set or raise this threshold (the text leaves it to them).
    provincial = models.BooleanField(default=False)
    # composite
    target_set = models.SlugField(max_length=64, blank=True)
    target_criterion = models.CharField(max_length=16, blank=True)
    over = models.CharField(max_length=10, blank=True)
    measure = models.CharField(max_length=8, choices=CompositeMeasure.choices, blank=True)
    status = models.CharField(_("mức tin cậy"), max_length=12, choices=FactStatus.choices)
    sources: models.JSONField[list[dict[str, str]]] = models.JSONField(default=list)
    pass_conditions: models.JSONField[list[str]] = models.JSONField(default=list)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["criteria_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"], name="criterion_indicator_set_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"


class Verdict(models.TextChoices):
    PASS = "pass", _("Đạt")
    FAIL = "fail", _("Chưa đạt")


class Assessment(models.Model):
    """An officer's finding on an assessed indicator of a set for a unit and year. It
    belongs to the set's code, so it holds across the set's versions and the province's
    variant of it."""

    set_code = models.SlugField(max_length=64)
    indicator_code = models.CharField(max_length=16)
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    verdict = models.CharField(_("kết quả"), max_length=4, choices=Verdict.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kết quả đánh giá chỉ tiêu")
        verbose_name_plural = _("kết quả đánh giá chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["set_code", "unit", "year", "indicator_code"],
                name="assessment_set_unit_year_indicator",
            )
        ]
        indexes = [models.Index(fields=["province", "year"], name="assessment_province_year")]

    def __str__(self) -> str:
        return f"{self.set_code} {self.indicator_code} {self.year}: {self.verdict}"


def assessment_evidence_path(instance: AssessmentEvidence, filename: str) -> str:
    # Named by migration 0001; files are now stored under random names (RandomName).
    return RandomName("evidence/criteria")(instance, filename)


class AssessmentEvidence(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=RandomName("evidence/criteria"), max_length=300)
    # The name the officer's file had: shown and given back on download.
    name = models.CharField(max_length=255, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class CommuneClassification(models.Model):
    """What picks a commune's thresholds in a year: its region (2021-2025), its commune
    group (2026-2030), and whether it is an extremely disadvantaged or safe-zone
    commune, which use the Northern midlands and mountains thresholds (318/QĐ-TTg).
    Without a row, the unit's own region and group stand."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    region = models.CharField(_("vùng"), max_length=8, choices=Region.choices, blank=True)
    commune_group = models.CharField(
        _("nhóm xã"), max_length=8, choices=CommuneGroup.choices, blank=True
    )
    extremely_disadvantaged = models.BooleanField(_("xã đặc biệt khó khăn"), default=False)
    safe_zone = models.BooleanField(_("xã an toàn khu"), default=False)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("phân loại xã")
        verbose_name_plural = _("phân loại xã")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="commune_classification_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"


class Recognition(models.Model):
    """A unit recognised as meeting a set for a year, by a province's decision: the fact
    the scorecard, the map and the API show. The recognition module writes it when a
    dossier's decision is entered (and its revocation); a recognition decided outside
    the platform may be entered the same way."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    set_code = models.SlugField(max_length=64)
    year = models.PositiveSmallIntegerField(_("năm"))
    decision_number = models.CharField(_("số quyết định"), max_length=64)
    decision_date = models.DateField(_("ngày quyết định"))
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revocation_number = models.CharField(_("số quyết định thu hồi"), max_length=64, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("công nhận đạt chuẩn")
        verbose_name_plural = _("công nhận đạt chuẩn")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "set_code", "year"], name="recognition_unit_set_year"
            )
        ]
        indexes = [models.Index(fields=["province", "year"], name="recognition_province_year")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.set_code} {self.year}: {self.decision_number}"

    @property
    def in_force(self) -> bool:
        return self.revoked_on is None
