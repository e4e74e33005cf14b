"""Administrative units as a tree, versioned in time, with the lineage of the 2025 merger."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langso.core.text import normalize_name

# The day the two-tier local government took effect (Resolution 202/2025/QH15): 63
# provinces became 34, districts were abolished, ~10,000 communes became 3,321.
MERGER_2025 = dt.date(2025, 7, 1)
LEGACY_VALID_TO = MERGER_2025 - dt.timedelta(days=1)


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    DISTRICT = "district", _("Huyện")
    COMMUNE = "commune", _("Xã")
    VILLAGE = "village", _("Thôn")


class Kind(models.TextChoices):
    TINH = "tinh", _("Tỉnh")
    THANH_PHO = "thanh_pho", _("Thành phố")
    QUAN = "quan", _("Quận")
    HUYEN = "huyen", _("Huyện")
    THI_XA = "thi_xa", _("Thị xã")
    THANH_PHO_THUOC_TINH = "thanh_pho_thuoc_tinh", _("Thành phố thuộc tỉnh")
    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    THI_TRAN = "thi_tran", _("Thị trấn")
    DAC_KHU = "dac_khu", _("Đặc khu")
    THON = "thon", _("Thôn")
    AP = "ap", _("Ấp")
    BAN = "ban", _("Bản")
    XOM = "xom", _("Xóm")
    TO_DAN_PHO = "to_dan_pho", _("Tổ dân phố")


KINDS_BY_LEVEL: dict[str, tuple[str, ...]] = {
    Level.PROVINCE: (Kind.TINH, Kind.THANH_PHO),
    Level.DISTRICT: (Kind.QUAN, Kind.HUYEN, Kind.THI_XA, Kind.THANH_PHO_THUOC_TINH),
    Level.COMMUNE: (Kind.XA, Kind.PHUONG, Kind.THI_TRAN, Kind.DAC_KHU),
    Level.VILLAGE: (Kind.THON, Kind.AP, Kind.BAN, Kind.XOM, Kind.TO_DAN_PHO),
}


class Region(models.TextChoices):
    """The 7 regions (vùng) whose thresholds differ in the 2021-2025 criteria (318/QĐ-TTg)."""

    TDMNPB = "TDMNPB", _("Trung du miền núi phía Bắc")
    DBSH = "DBSH", _("Đồng bằng sông Hồng")
    BTB = "BTB", _("Bắc Trung Bộ")
    DHNTB = "DHNTB", _("Duyên hải Nam Trung Bộ")
    TN = "TN", _("Tây Nguyên")
    DNB = "DNB", _("Đông Nam Bộ")
    DBSCL = "DBSCL", _("Đồng bằng sông Cửu Long")


class CommuneGroup(models.TextChoices):
    """Commune groups of the 2026-2030 criteria (51/2025/QĐ-TTg); set by the province."""

    NHOM_1 = "NHOM_1", _("Xã nhóm 1")
    NHOM_2 = "NHOM_2", _("Xã nhóm 2")
    NHOM_3 = "NHOM_3", _("Xã nhóm 3")


class UnitSource(models.Model):
    """Where a set of units came from: a package and its version, or an officer's file."""

    name = models.CharField(max_length=100)
    version = models.CharField(max_length=50)
    loaded_at = models.DateTimeField(auto_now=True)
    counts = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="unit_source_name_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class AdminUnitQuerySet(models.QuerySet["AdminUnit"]):
    def valid_on(self, day: dt.date) -> AdminUnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def current(self) -> AdminUnitQuerySet:
        return self.filter(valid_to__isnull=True)

    def within(self, unit: AdminUnit) -> AdminUnitQuerySet:
        """The unit and its whole subtree, by one indexed equality."""
        return self.filter(unit.subtree_q())


class AdminUnit(models.Model):
    """A node of the administrative tree (tỉnh, huyện, xã, thôn) during its validity.

    Each unit carries its ancestors at every level, itself included (`province`,
    `district`, `commune`, `village`): the subtree of a unit is then one indexed equality
    on the column of the unit's level, on SQLite and PostgreSQL alike, with no recursive
    query and no dependence on collation as a string path would have. Registries carry
    the same columns, so one filter scopes units and registry rows alike.
    """

    level = models.CharField(max_length=10, choices=Level.choices)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    code = models.CharField(_("mã"), max_length=32)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=150)
    search_name = models.CharField(max_length=200, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    centroid = models.PointField(srid=4326, null=True, blank=True)
    boundary = models.MultiPolygonField(srid=4326, null=True, blank=True)
    area_km2 = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    region = models.CharField(_("vùng"), max_length=8, choices=Region.choices, blank=True)
    commune_group = models.CharField(
        _("nhóm xã"), max_length=8, choices=CommuneGroup.choices, blank=True
    )
    source = models.ForeignKey(
        UnitSource, null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            # Codes are reused across generations (Hà Nội is "01" before and after 2025),
            # so a code is unique per level among units of the same validity end.
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(valid_to__isnull=True),
                name="unit_current_code",
            ),
            models.UniqueConstraint(
                fields=["level", "code", "valid_to"], name="unit_code_valid_to"
            ),
        ]
        indexes = [
            models.Index(fields=["province", "level"], name="unit_province_level"),
            models.Index(fields=["district", "level"], name="unit_district_level"),
            models.Index(fields=["commune", "level"], name="unit_commune_level"),
            models.Index(fields=["village"], name="unit_village"),
            models.Index(fields=["parent", "name"], name="unit_parent_name"),
            models.Index(fields=["code"], name="unit_code"),
            models.Index(fields=["level", "search_name"], name="unit_level_search"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_name = normalize_name(self.name, fold_diacritics=True)
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # passes Model.save's own arguments through

    def subtree_q(self, prefix: str = "") -> Q:
        """A filter for rows in this unit's subtree: units (`prefix` ""), rows that carry
        the same ancestor columns (registries), or rows reached through `prefix`
        (e.g. "unit__")."""
        return Q(**{f"{prefix}{self.level}_id": self.pk})

    def contains(self, other: AdminUnit) -> bool:
        """Whether `other` is this unit or lies under it."""
        return bool(getattr(other, f"{self.level}_id") == self.pk)

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


class UnitLineage(models.Model):
    """Old -> new: a legacy unit's territory went, wholly or in part, to a current unit."""

    class Kind(models.TextChoices):
        WHOLE = "whole", _("Nhập toàn bộ")
        PART = "part", _("Nhập một phần")

    predecessor = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    successor = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # For a split commune, the successor that the source names as default (where an
    # address that names only the old commune goes).
    is_default = models.BooleanField(default=False)
    # Share of the predecessor's territory (or population) that went to the successor,
    # 1 for whole; unknown (null) for parts until a province records it.
    share = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)
    source = models.ForeignKey(UnitSource, on_delete=models.PROTECT, related_name="lineages")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="lineage_predecessor_successor"
            )
        ]
        indexes = [models.Index(fields=["successor"], name="lineage_successor")]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.kind})"
