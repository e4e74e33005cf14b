"""Households: counts, not people (Decree 13/2023/NĐ-CP on personal data)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from langso.core.text import normalize_name

from .base import Placed, Source


class AddressCodeKind(models.TextChoices):
    NATIONAL = "national", _("Mã địa chỉ số quốc gia")
    GENERATED = "generated", _("Mã do Làng Số cấp")
    # Found in the field, not on the list: confirmed or replaced by an officer later.
    PROVISIONAL = "provisional", _("Mã tạm (phát hiện khi khảo sát)")


class Broadband(models.TextChoices):
    FIBRE = "fibre", _("Cáp quang")
    OTHER = "other", _("Loại khác")
    NONE = "none", _("Không có")


class MobileCoverage(models.TextChoices):
    G5 = "5g", _("5G")
    G4 = "4g", _("4G")
    G3 = "3g", _("3G")
    NONE = "none", _("Không có sóng")


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Đang ở")
    MOVED_AWAY = "moved_away", _("Đã chuyển đi")
    MERGED = "merged", _("Đã gộp vào hộ khác")


# Field groups whose freshness and source are kept: an officer's edit of the head's name
# must not make the readiness figures look fresh.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "identity": ("address_code", "house_number", "street", "head_name", "head_phone"),
    "composition": ("members", "adults"),
    "readiness": (
        "adults_smartphone",
        "adults_epayment",
        "adults_vneid",
        "adults_public_service",
    ),
    "connectivity": ("broadband", "mobile_coverage", "has_tv", "has_radio"),
    "location": ("village", "location"),
}
COUNT_FIELDS = ("members", "adults", *FIELD_GROUPS["readiness"])
# What `HouseholdsChanged` carries of a household before and after a write: what
# aggregates count, and where.
EVENT_FIELDS = (
    *COUNT_FIELDS,
    *FIELD_GROUPS["connectivity"],
    "status",
    "province_id",
    "commune_id",
    "village_id",
)


class Household(Placed):
    """A household (hộ gia đình) with its address code and digital readiness.

    Counts, not people: members, adults 15+, and how many of those adults have a
    smartphone, an e-payment account, a level-2 VNeID and a public-service portal account.
    A count left empty is unknown, not zero. The head's name and phone are personal data:
    shown only within scope, never in open data, never logged.
    """

    address_code = models.CharField(_("mã địa chỉ"), max_length=32, unique=True)
    address_code_kind = models.CharField(
        _("loại mã địa chỉ"),
        max_length=12,
        choices=AddressCodeKind.choices,
        default=AddressCodeKind.GENERATED,
    )
    house_number = models.CharField(_("số nhà"), max_length=50, blank=True)
    street = models.CharField(_("đường, xóm"), max_length=200, blank=True)
    head_name = models.CharField(_("họ tên chủ hộ"), max_length=150, blank=True)
    # normalize_name(head_name): compared when looking for likely duplicates.
    head_name_key = models.CharField(max_length=150, blank=True, editable=False)
    # normalize_name(head_name, fold_diacritics=True): what a search without diacritics
    # ("nguyen van an") is matched against.
    head_name_search = models.CharField(max_length=150, blank=True, editable=False)
    head_phone = models.CharField(_("điện thoại chủ hộ"), max_length=20, blank=True)

    members = models.PositiveSmallIntegerField(_("số nhân khẩu"), null=True, blank=True)
    adults = models.PositiveSmallIntegerField(_("số người từ 15 tuổi"), null=True, blank=True)
    adults_smartphone = models.PositiveSmallIntegerField(
        _("số người có điện thoại thông minh"), null=True, blank=True
    )
    adults_epayment = models.PositiveSmallIntegerField(
        _("số người có tài khoản thanh toán điện tử"), null=True, blank=True
    )
    adults_vneid = models.PositiveSmallIntegerField(
        _("số người có VNeID mức 2"), null=True, blank=True
    )
    adults_public_service = models.PositiveSmallIntegerField(
        _("số người có tài khoản dịch vụ công"), null=True, blank=True
    )
    broadband = models.CharField(
        _("internet cố định"), max_length=8, choices=Broadband.choices, blank=True
    )
    mobile_coverage = models.CharField(
        _("sóng di động tốt nhất"), max_length=8, choices=MobileCoverage.choices, blank=True
    )
    has_tv = models.BooleanField(_("có ti vi"), null=True, blank=True)
    has_radio = models.BooleanField(_("có radio"), null=True, blank=True)

    status = models.CharField(
        _("tình trạng"),
        max_length=12,
        choices=HouseholdStatus.choices,
        default=HouseholdStatus.ACTIVE,
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    identity_updated_at = models.DateTimeField(null=True, blank=True)
    identity_source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    composition_updated_at = models.DateTimeField(null=True, blank=True)
    composition_source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    readiness_updated_at = models.DateTimeField(null=True, blank=True)
    readiness_source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    connectivity_updated_at = models.DateTimeField(null=True, blank=True)
    connectivity_source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    location_updated_at = models.DateTimeField(null=True, blank=True)
    location_source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    # The day of the newest visit a digital team logged (surveys keeps it, through
    # `household_last_visit_set`): the registry cannot read the visits of the app above
    # it, and a worklist of thousands of households reads it through an index.
    last_visited_on = models.DateField(_("lần đến gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("các hộ gia đình")
        indexes = [
            # Scoped lists read newest first by keyset within a unit's subtree.
            models.Index(fields=["province", "-id"], name="household_province_id"),
            models.Index(fields=["commune", "-id"], name="household_commune_id"),
            models.Index(fields=["village", "-id"], name="household_village_id"),
            models.Index(fields=["village", "head_name_key"], name="household_village_head"),
            models.Index(fields=["village", "house_number"], name="household_village_house"),
            # A village's worklist: never visited (NULL) by id, then the oldest visit first.
            models.Index(
                fields=["village", "last_visited_on", "id"], name="household_village_visit"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(members__isnull=True)
                | Q(adults__isnull=True)
                | Q(adults__lte=F("members")),
                name="household_adults_le_members",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True})
                    | Q(adults__isnull=True)
                    | Q(**{f"{field}__lte": F("adults")}),
                    name=f"household_{field}_le_adults",
                )
                for field in FIELD_GROUPS["readiness"]
            ),
            models.CheckConstraint(
                condition=~Q(status=HouseholdStatus.MERGED) | Q(merged_into__isnull=False),
                name="household_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.address_code

    def set_name_keys(self) -> None:
        """Derive the head's name keys (see `head_name_keys`)."""
        for field, key in head_name_keys(self.head_name).items():
            setattr(self, field, key)


def head_name_keys(head_name: str) -> dict[str, str]:
    """The columns derived from the head's name: compared for likely duplicates, and
    searched without diacritics."""
    return {
        "head_name_key": normalize_name(head_name),
        "head_name_search": normalize_name(head_name, fold_diacritics=True),
    }


class LikelyDuplicate(models.Model):
    """Two households that may be one, flagged on create and import for an officer."""

    class Reason(models.TextChoices):
        HEAD_NAME = "head_name", _("Cùng thôn, cùng tên chủ hộ")
        HOUSE_NUMBER = "house_number", _("Cùng thôn, cùng số nhà")
        NEARBY = "nearby", _("Cách nhau dưới 50 m")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    flagged_at = models.DateTimeField(auto_now_add=True)
    # An officer who checked and found two different households.
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "other"], name="duplicate_pair"),
            models.CheckConstraint(condition=Q(household__lt=F("other")), name="duplicate_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} ~ {self.other_id}"


class AddressSequence(models.Model):
    """The last sequence number given in a commune's generated address codes. A counter
    row, not MAX(code): numbers are never reused, even after a household is merged."""

    commune = models.OneToOneField(
        "places.AdminUnit", on_delete=models.PROTECT, related_name="+", primary_key=True
    )
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.last}"
