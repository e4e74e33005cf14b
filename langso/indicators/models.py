"""Aggregates: each measure over the households of each lowest unit (a village, or a
commune for households placed on no village), kept exact by deltas in the writer's
transaction. The ancestor columns mirror the unit's, so that a roll-up to any unit is
one indexed GROUP BY, never a walk of the tree."""

from __future__ import annotations

from django.db import models

from langso.places.models import AdminUnit


class HouseholdAggregate(models.Model):
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    commune = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # A code of `measures.HOUSEHOLD_MEASURES`.
    measure = models.CharField(max_length=64)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "measure"], name="household_aggregate_unique")
        ]
        indexes = [
            models.Index(fields=["province", "measure"], name="household_aggregate_province"),
            models.Index(fields=["commune", "measure"], name="household_aggregate_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.measure} = {self.value}"
