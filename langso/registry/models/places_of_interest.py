"""Tourism sites, public wifi points and security cameras."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from .base import Placed


class TourismSite(Placed):
    """A rural tourism site (điểm du lịch nông thôn)."""

    class Kind(models.TextChoices):
        HOMESTAY = "homestay", _("Homestay, lưu trú tại nhà dân")
        ECO = "eco", _("Du lịch sinh thái")
        CRAFT_VILLAGE = "craft_village", _("Làng nghề")
        HERITAGE = "heritage", _("Di tích, văn hóa, lịch sử")
        FARM = "farm", _("Trang trại, vườn")
        COMMUNITY = "community", _("Du lịch cộng đồng")
        OTHER = "other", _("Khác")

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    search_name = models.CharField(max_length=200, editable=False)
    kind = models.CharField(_("loại hình"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("giới thiệu"), blank=True)
    opening_hours = models.CharField(_("giờ mở cửa"), max_length=200, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    website = models.URLField(_("trang web"), blank=True)

    class Meta:
        verbose_name = _("điểm du lịch")
        verbose_name_plural = _("các điểm du lịch")
        indexes = [
            models.Index(fields=["province", "-id"], name="site_province_id"),
            models.Index(fields=["commune", "-id"], name="site_commune_id"),
            models.Index(fields=["village", "-id"], name="site_village_id"),
        ]

    def __str__(self) -> str:
        return self.name


class PublicWifiPoint(Placed):
    """Free public wifi, e.g. at the village cultural house (nhà văn hóa thôn)."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    place = models.CharField(_("nơi lắp đặt"), max_length=200)
    provider = models.CharField(_("nhà cung cấp"), max_length=100, blank=True)
    is_working = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("điểm wifi công cộng")
        verbose_name_plural = _("các điểm wifi công cộng")
        indexes = [
            models.Index(fields=["province", "-id"], name="wifi_province_id"),
            models.Index(fields=["commune", "-id"], name="wifi_commune_id"),
            models.Index(fields=["village", "-id"], name="wifi_village_id"),
        ]

    def __str__(self) -> str:
        return self.place


class SecurityCamera(Placed):
    """A security camera (camera an ninh) of the village or commune."""

    class Purpose(models.TextChoices):
        SECURITY = "security", _("An ninh trật tự")
        TRAFFIC = "traffic", _("Giao thông")
        OTHER = "other", _("Khác")

    code = models.CharField(_("mã"), max_length=32, unique=True)
    place = models.CharField(_("vị trí lắp đặt"), max_length=200)
    purpose = models.CharField(
        _("mục đích"), max_length=10, choices=Purpose.choices, default=Purpose.SECURITY
    )
    connected_to_centre = models.BooleanField(_("kết nối trung tâm giám sát"), default=False)
    is_working = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("camera an ninh")
        verbose_name_plural = _("các camera an ninh")
        indexes = [
            models.Index(fields=["province", "-id"], name="camera_province_id"),
            models.Index(fields=["commune", "-id"], name="camera_commune_id"),
            models.Index(fields=["village", "-id"], name="camera_village_id"),
        ]

    def __str__(self) -> str:
        return self.place
