"""Fishing vessels and aquaculture farms, for coastal and river communes."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from .base import Placed
from .households import Household


class FishingVessel(Placed):
    """A fishing vessel, placed at its home port's commune."""

    registration_number = models.CharField(_("số đăng ký"), max_length=32, unique=True)
    name = models.CharField(_("tên tàu"), max_length=100, blank=True)
    length_m = models.DecimalField(
        _("chiều dài (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    engine_kw = models.DecimalField(
        _("công suất máy (kW)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    home_port = models.CharField(_("cảng cá"), max_length=150, blank=True)
    owner = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="vessels"
    )
    licence_expires_on = models.DateField(_("giấy phép khai thác hết hạn"), null=True, blank=True)

    class Meta:
        verbose_name = _("tàu cá")
        verbose_name_plural = _("các tàu cá")
        indexes = [
            models.Index(fields=["province", "-id"], name="vessel_province_id"),
            models.Index(fields=["commune", "-id"], name="vessel_commune_id"),
            models.Index(fields=["village", "-id"], name="vessel_village_id"),
        ]

    def __str__(self) -> str:
        return self.registration_number


class AquacultureFarm(Placed):
    """An aquaculture farm (cơ sở nuôi trồng thủy sản), usually a household's."""

    class FarmingType(models.TextChoices):
        POND = "pond", _("Ao, đầm")
        CAGE = "cage", _("Lồng, bè")
        TANK = "tank", _("Bể")
        RICE_FIELD = "rice_field", _("Ruộng lúa kết hợp")
        OTHER = "other", _("Khác")

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên cơ sở"), max_length=150, blank=True)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="farms"
    )
    area_ha = models.DecimalField(
        _("diện tích (ha)"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    species = models.CharField(_("đối tượng nuôi"), max_length=200, blank=True)
    farming_type = models.CharField(
        _("hình thức nuôi"), max_length=12, choices=FarmingType.choices, blank=True
    )

    class Meta:
        verbose_name = _("cơ sở nuôi trồng thủy sản")
        verbose_name_plural = _("các cơ sở nuôi trồng thủy sản")
        indexes = [
            models.Index(fields=["province", "-id"], name="farm_province_id"),
            models.Index(fields=["commune", "-id"], name="farm_commune_id"),
            models.Index(fields=["village", "-id"], name="farm_village_id"),
        ]

    def __str__(self) -> str:
        return self.name or self.code
