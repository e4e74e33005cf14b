"""Plans (kế hoạch) and their dated targets. A target says what it measures in one of
three ways (`TargetKind`), or why the platform cannot measure it (`unbound_reason`);
`plans.targets` checks every way a target is written (file, spreadsheet, form)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langso.core.files import RandomName
from langso.places.models import AdminUnit, Level


class TargetKind(models.TextChoices):
    # An indicator's value at the plan's unit (or another unit): "≥ 65% of adults".
    INDICATOR_VALUE = "indicator_value", _("Giá trị chỉ số")
    # Sub-units meeting an indicator's threshold, a criterion indicator ("8.4"), a
    # criterion or a whole set: "≥ 97% of communes", "69 communes".
    UNITS_MEETING = "units_meeting", _("Số đơn vị đạt")
    # A figure of platform activity or of reported values: "100% of managers trained".
    ACTIVITY = "activity", _("Hoạt động, số liệu báo cáo")


class TargetComparator(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"


class TargetMeasure(models.TextChoices):
    PERCENT = "percent", _("%")
    COUNT = "count", _("số lượng")


class Plan(models.Model):
    """A plan issued by a unit (a province, a district of before 2025, a commune) for a
    period, with its legal reference and file."""

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    title_vi = models.CharField(_("tên"), max_length=500)
    title_en = models.CharField(_("tên (tiếng Anh)"), max_length=500, blank=True)
    legal_reference = models.CharField(_("số, ký hiệu văn bản"), max_length=200, blank=True)
    file = models.FileField(upload_to=RandomName("plans"), max_length=300, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    period_from = models.DateField(_("từ ngày"))
    period_to = models.DateField(_("đến ngày"))
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    # What a reader must know first: a sample plan applied to another province's data.
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_to", "code"]

    def __str__(self) -> str:
        return self.title_vi


class Target(models.Model):
    """One dated target of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField()
    text_vi = models.CharField(_("chỉ tiêu"), max_length=500)
    kind = models.CharField(_("loại"), max_length=16, choices=TargetKind.choices, blank=True)
    comparator = models.CharField(
        _("so sánh"), max_length=4, choices=TargetComparator.choices, default=TargetComparator.GTE
    )
    value = models.DecimalField(_("mục tiêu"), max_digits=14, decimal_places=4)
    measure = models.CharField(_("đơn vị đo"), max_length=8, choices=TargetMeasure.choices)
    # indicator_value: the unit read (the plan's unit when empty).
    unit = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # units_meeting: the level of the sub-units counted.
    level = models.CharField(_("cấp đơn vị"), max_length=10, choices=Level.choices, blank=True)
    # The binding: an indicator code; or a set code with a criterion or criterion
    # indicator code ("8", "8.4"), empty for the whole set.
    indicator = models.SlugField(_("chỉ số"), max_length=64, blank=True)
    set_code = models.SlugField(_("bộ tiêu chí"), max_length=64, blank=True)
    criterion = models.CharField(_("tiêu chí, chỉ tiêu"), max_length=16, blank=True)
    # units_meeting an indicator: the threshold each sub-unit must meet.
    unit_comparator = models.CharField(max_length=4, choices=TargetComparator.choices, blank=True)
    unit_threshold = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    deadline = models.DateField(_("hạn"))
    baseline_value = models.DecimalField(
        _("mức cơ sở"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    baseline_on = models.DateField(_("ngày của mức cơ sở"), null=True, blank=True)
    # [{"date": "2024-12-31", "value": "50"}, …] by date: intermediate points of the path.
    milestones = models.JSONField(default=list, blank=True)
    # Why the platform cannot compute it ("chưa gắn chỉ số"); the binding is then empty.
    unbound_reason = models.TextField(_("lý do chưa gắn chỉ số"), blank=True)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plans_target_position")
        ]

    def __str__(self) -> str:
        return self.text_vi
