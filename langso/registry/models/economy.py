"""Cooperatives (HTX) and the products of cooperatives and households, with photos."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langso.core.files import RandomName

from .base import Placed
from .households import Household


class Cooperative(Placed):
    """A cooperative (hợp tác xã, HTX)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        SUSPENDED = "suspended", _("Tạm ngừng")
        DISSOLVED = "dissolved", _("Đã giải thể")

    code = models.CharField(_("mã"), max_length=32, unique=True)
    registration_number = models.CharField(_("mã số HTX"), max_length=32, blank=True)
    name = models.CharField(_("tên"), max_length=200)
    search_name = models.CharField(max_length=200, editable=False)
    sector = models.CharField(_("lĩnh vực"), max_length=200, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    members = models.PositiveIntegerField(_("số thành viên"), null=True, blank=True)
    founded_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        verbose_name = _("hợp tác xã")
        verbose_name_plural = _("các hợp tác xã")
        indexes = [
            models.Index(fields=["province", "-id"], name="cooperative_province_id"),
            models.Index(fields=["commune", "-id"], name="cooperative_commune_id"),
            models.Index(fields=["village", "-id"], name="cooperative_village_id"),
        ]

    def __str__(self) -> str:
        return self.name


class ProductCategory(models.TextChoices):
    """The six product groups of the OCOP programme (One Commune One Product)."""

    FOOD = "food", _("Thực phẩm")
    BEVERAGE = "beverage", _("Đồ uống")
    HERBAL = "herbal", _("Thảo dược")
    TEXTILE = "textile", _("Vải và may mặc")
    CRAFT = "craft", _("Lưu niệm, nội thất, trang trí")
    TOURISM = "tourism", _("Dịch vụ du lịch cộng đồng")


class Product(Placed):
    """A product of a cooperative or of a household, placed where its maker is."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên sản phẩm"), max_length=200)
    search_name = models.CharField(max_length=200, editable=False)
    category = models.CharField(_("nhóm"), max_length=10, choices=ProductCategory.choices)
    cooperative = models.ForeignKey(
        Cooperative, null=True, blank=True, on_delete=models.PROTECT, related_name="products"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="products"
    )
    ocop_stars = models.PositiveSmallIntegerField(
        _("số sao OCOP"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(5)],
    )
    ocop_year = models.PositiveSmallIntegerField(_("năm công nhận OCOP"), null=True, blank=True)
    price = models.DecimalField(
        _("giá (đồng)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    price_unit = models.CharField(_("đơn vị tính"), max_length=30, blank=True)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("các sản phẩm")
        indexes = [
            models.Index(fields=["province", "-id"], name="product_province_id"),
            models.Index(fields=["commune", "-id"], name="product_commune_id"),
            models.Index(fields=["village", "-id"], name="product_village_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cooperative__isnull=False, household__isnull=True)
                | Q(cooperative__isnull=True, household__isnull=False),
                name="product_one_maker",
            ),
            models.CheckConstraint(
                condition=Q(ocop_stars__isnull=True) | Q(ocop_stars__gte=3, ocop_stars__lte=5),
                name="product_ocop_stars_3_to_5",
            ),
            models.CheckConstraint(
                condition=Q(ocop_stars__isnull=True) | Q(ocop_year__isnull=False),
                name="product_ocop_has_year",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Photo(models.Model):
    """A photo of a product or a tourism site, shown in the showcase and on the map."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    image = models.ImageField(_("ảnh"), upload_to=RandomName("photos"), max_length=300)
    # The name of the uploaded photo (empty for photos added before it was kept).
    name = models.CharField(max_length=255, blank=True)
    caption = models.CharField(_("chú thích"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["content_type", "object_id", "position"], name="photo_subject")
        ]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name or ""
