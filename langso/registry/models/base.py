"""What every registry row shares: where it is, in the tree and on the map."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from langso.places.models import AdminUnit


class Source(models.TextChoices):
    """Where a value came from, kept per field group."""

    OFFICER = "officer", _("Cán bộ nhập")
    IMPORT = "import", _("Nhập từ tệp")
    SURVEY = "survey", _("Khảo sát")
    SYNTHETIC = "synthetic", _("Dữ liệu tổng hợp (mô phỏng)")


class Placed(models.Model):
    """A registry row placed in the tree and on the map.

    The ancestor columns mirror `AdminUnit`'s (province, commune, village), so that the
    subtree of any unit is one indexed equality on registry rows too, and scoping never
    joins the unit table. `village` is empty where a row belongs to a commune and no
    village (a cooperative serving the whole commune, say). Services set the three
    from the chosen unit; they are never entered separately.
    """

    # No single-column indexes: each registry's (province, -id), (commune, -id) and
    # (village, -id) indexes start with these columns and serve every lookup on them;
    # a second index per column would only slow bulk imports.
    province = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    commune = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    village = models.ForeignKey(
        AdminUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    location = models.PointField(_("vị trí"), srid=4326, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def unit(self) -> AdminUnit:
        """The lowest unit the row belongs to."""
        return self.village or self.commune
