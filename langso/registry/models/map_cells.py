"""Households counted per cell of a fixed map grid: what the map draws over a province.

Grouping a million households per tile costs about a second; these counts are the same
grouping done once, by lowest unit, status and grid cell, so that a tile over a province
sums a few thousand rows instead. Derived data only: `services.map_cells` rebuilds a
unit's cells from its households whenever they change (in the writer's transaction),
and nothing else writes them.
"""

from __future__ import annotations

from django.db import models

from langso.places.models import AdminUnit

# Cells are Web Mercator tiles of this zoom level: 2^16 per side, about 600 m at the
# equator (570 m across in Vietnam). A map tile of zoom z draws a 16 × 16 grid of cells
# of level z + 4, so these serve tiles up to zoom 12 exactly (see `maps`).
CELL_LEVEL = 16

# The map's readiness gaps (`maps.HOUSEHOLD_GAPS`) each counted apart, with the first
# household that has it: a tile filtered on a gap sums these instead of `households`.
GAP_NAMES = ("smartphone", "epayment", "vneid", "public_service", "broadband", "unknown")


class HouseholdMapCell(models.Model):
    """The located households of one lowest unit (village, or commune where households
    have no village) with one status, in one grid cell."""

    # Indexed below, each with the cell: a tile is a range of cells inside the scope.
    province = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    commune = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    village = models.ForeignKey(
        AdminUnit, null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    status = models.CharField(max_length=12)
    cell_x = models.IntegerField()
    cell_y = models.IntegerField()
    households = models.PositiveIntegerField()
    # Sums of longitude and latitude: a cluster is drawn at its households' mean.
    sum_lon = models.FloatField()
    sum_lat = models.FloatField()
    # The lowest household id: a cluster of one is drawn as that household.
    first_id = models.BigIntegerField()

    gap_smartphone = models.PositiveIntegerField(default=0)
    gap_smartphone_first_id = models.BigIntegerField(null=True)
    gap_epayment = models.PositiveIntegerField(default=0)
    gap_epayment_first_id = models.BigIntegerField(null=True)
    gap_vneid = models.PositiveIntegerField(default=0)
    gap_vneid_first_id = models.BigIntegerField(null=True)
    gap_public_service = models.PositiveIntegerField(default=0)
    gap_public_service_first_id = models.BigIntegerField(null=True)
    gap_broadband = models.PositiveIntegerField(default=0)
    gap_broadband_first_id = models.BigIntegerField(null=True)
    gap_unknown = models.PositiveIntegerField(default=0)
    gap_unknown_first_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["province", "cell_x", "cell_y"], name="mapcell_province_xy"),
            models.Index(fields=["commune", "cell_x", "cell_y"], name="mapcell_commune_xy"),
            models.Index(fields=["village", "cell_x", "cell_y"], name="mapcell_village_xy"),
            models.Index(fields=["cell_x", "cell_y"], name="mapcell_xy"),
        ]

    def __str__(self) -> str:
        return f"{self.village_id or self.commune_id} {self.status} {self.cell_x}/{self.cell_y}"
