"""Aggregates: each measure over the households of each lowest unit (a village, or a
commune for households placed on no village), kept exact by deltas in the writer's
transaction. The ancestor columns mirror the unit's, so that a roll-up to any unit is
one indexed GROUP BY, never a walk of the tree."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langso.core.files import RandomName
from langso.core.models import NamedInTwoLanguages
from langso.places.models import AdminUnit, Level


class AtLowestUnit(models.Model):
    """A figure of a lowest unit (a village, or a commune for what is placed on no
    village), with the unit's province and commune beside it: a roll-up to a commune or
    a province is a GROUP BY on that column, covered by an index that begins with it.
    Each model's unique key begins with the unit, so the unit needs no index of its
    own (one less index for every delta to write)."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", db_index=False)
    province = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    commune = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        abstract = True


class HouseholdAggregate(AtLowestUnit):
    # A code of `measures.household_measures()`.
    measure = models.CharField(max_length=64)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "measure"], name="household_aggregate_unique")
        ]
        indexes = [
            models.Index(fields=["province", "measure"], name="household_aggregate_province"),
            models.Index(fields=["commune", "measure"], name="household_aggregate_commune"),
            # The communes of the whole country (a national map): the measures' rows
            # in commune order with their values, read from the index alone. Without
            # it SQLite walks all 1.4 M rows (300,000 households) or looks up 3,321
            # ids: 80 ms against 17 ms (`bench choropleth`). Its cost: a delta's
            # update writes this index too (the value is in it).
            models.Index(
                fields=["measure", "commune", "value"], name="household_aggregate_measure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.measure} = {self.value}"


class Source(models.TextChoices):
    REGISTRY = "registry", _("Sổ đăng ký")
    REPORTED = "reported", _("Số liệu báo cáo")
    ACTIVITY = "activity", _("Hoạt động trên nền tảng")


class IndicatorUnit(models.TextChoices):
    PERCENT = "percent", _("%")
    COUNT = "count", _("số lượng")
    RATIO = "ratio", _("tỷ số")


class Origin(models.TextChoices):
    SHIPPED = "shipped", _("Kèm theo phần mềm")
    EDITED = "edited", _("Sửa trên giao diện")


class IndicatorDefinition(NamedInTwoLanguages, models.Model):
    """One version of an indicator (chỉ số). A version is never changed: an edit, in the
    UI or in the shipped YAML, adds the next version, so a value can always say which
    definition it was computed by."""

    code = models.SlugField(_("mã"), max_length=64)
    version = models.PositiveIntegerField(_("phiên bản"))
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=300)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=300)
    unit = models.CharField(_("đơn vị tính"), max_length=8, choices=IndicatorUnit.choices)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    # The definition as written (YAML or the edit form), validated: see `definitions.py`.
    spec: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    # For a registry source, the household measures of the numerator and denominator
    # (`measures.measure_spec`), and their codes, which key the aggregates.
    household_measures: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list)
    numerator = models.CharField(max_length=64, blank=True)
    denominator = models.CharField(max_length=64, blank=True)
    origin = models.CharField(max_length=8, choices=Origin.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("định nghĩa chỉ số")
        verbose_name_plural = _("định nghĩa chỉ số")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="indicator_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def reported_level_label(self) -> str:
        """The level a reported indicator is reported at, by its name ("Xã")."""
        level = self.spec.get("level") if self.source == Source.REPORTED else None
        return str(Level(level).label) if level in Level.values else ""


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Năm")
    QUARTER = "quarter", _("Quý")
    MONTH = "month", _("Tháng")


class Period(models.Model):
    """A year, quarter or month ("2026", "2026-Q3", "2026-09"). Closing it freezes every
    value of it: registry aggregates are copied as they stand, reported values can no
    longer change, so published history does not move with later edits."""

    code = models.CharField(_("mã kỳ"), max_length=8, unique=True)
    kind = models.CharField(_("loại kỳ"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    closed_at = models.DateTimeField(_("chốt lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kỳ số liệu")
        verbose_name_plural = _("kỳ số liệu")
        ordering = ["start", "kind"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class FrozenAggregate(AtLowestUnit):
    """A household aggregate as it stood when its period was closed."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=64)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "measure"], name="frozen_aggregate_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["period", "province", "measure"], name="frozen_aggregate_province"
            ),
            models.Index(fields=["period", "commune", "measure"], name="frozen_aggregate_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.unit_id} {self.measure} = {self.value}"


class ReportedValue(models.Model):
    """A figure the platform does not hold, entered for one unit and period by an
    officer or imported from a file: a count, a fraction (numerator of denominator, so
    that it rolls up exactly), or whether something is present."""

    indicator = models.SlugField(max_length=64)
    definition = models.ForeignKey(IndicatorDefinition, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    # The unit's ancestors, for roll-up by one indexed equality as elsewhere.
    province = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    commune = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    numerator = models.DecimalField(_("tử số"), max_digits=18, decimal_places=4)
    # Fractions only; for a presence, 1 is yes and 0 no.
    denominator = models.DecimalField(
        _("mẫu số"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("số liệu báo cáo")
        verbose_name_plural = _("số liệu báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "unit"], name="reported_value_unique"
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "period", "province"], name="reported_province"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit_id} {self.period_id}"


class ReportedEvidence(models.Model):
    """A file that backs a reported value: a minute, a report, a photo."""

    reported = models.ForeignKey(ReportedValue, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=RandomName("evidence/indicators"), max_length=300)
    # The name the officer's file had: shown and given back on download.
    name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class ActivityCount(AtLowestUnit):
    """Activity of one kind at one lowest unit in one month (`month` is its first day),
    kept by the `ActivityCounted` events the publishing modules send."""

    kind = models.CharField(max_length=64)
    month = models.DateField()
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "month"], name="activity_count_unique")
        ]
        indexes = [
            models.Index(fields=["province", "kind", "month"], name="activity_province"),
            models.Index(fields=["commune", "kind", "month"], name="activity_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.month:%Y-%m} = {self.value}"
