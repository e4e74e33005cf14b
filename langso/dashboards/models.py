"""What `dashboards` keeps: the quarterly reports generated for a unit, as files."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langso.core.files import RandomName
from langso.indicators.models import Period, PeriodKind
from langso.places.models import AdminUnit

from .selectors.map_page import period_label


class QuarterlyReport(models.Model):
    """A unit's report for one quarter as it stood when generated: the PDF and the XLSX
    of the same content. A row exists only with both files stored: the task writes it
    last, in one transaction, so that a failed run leaves nothing listed."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    # The quarter's code ("2026-Q3"), as periods are named.
    quarter = models.CharField(_("quý"), max_length=7)
    pdf = models.FileField(upload_to=RandomName("reports"), max_length=300)
    xlsx = models.FileField(upload_to=RandomName("reports"), max_length=300)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-generated_at", "-pk"]
        indexes = [models.Index(fields=["unit", "-generated_at"], name="dashboards_report_unit")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.quarter}"

    @property
    def quarter_label(self) -> str:
        """ "Quý 3/2026", read from the code alone: `period_parse` would ask the database
        for the stored period, one query per report of a list."""
        year, number = self.quarter.split("-Q")
        start = dt.date(int(year), 3 * int(number) - 2, 1)
        return period_label(Period(code=self.quarter, kind=PeriodKind.QUARTER, start=start))
