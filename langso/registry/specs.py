"""The seven placed registries besides households, described once.

Cooperatives, products, fishing vessels, aquaculture farms, tourism sites, public wifi
points and security cameras share one shape: a natural key (a code, or a vessel's
registration number), a unit, a point, and a few typed fields. One `RegistrySpec` per
registry tells the one generic service, selector, page set and API what differs; the
rules that only one registry has are the small pure functions below, which the service
runs after the checks every field gets from its model field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .models import (
    AquacultureFarm,
    Cooperative,
    FishingVessel,
    Household,
    Placed,
    Product,
    ProductCategory,
    PublicWifiPoint,
    SecurityCamera,
    TourismSite,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

P = TypeVar("P", bound=Placed)
Values = Mapping[str, Any]
Rules = Callable[[Values, dt.date], dict[str, str]]

# Generated and typed codes alike: capitals, digits and dashes, as on a plate or a form.
CODE_PATTERN = re.compile(r"^[0-9A-Z][0-9A-Z-]{2,31}$")
# Fishing-vessel registration numbers: province letters, number, "TS" (tàu cá), e.g.
# "NA-90123-TS" (Decree 26/2019/NĐ-CP, Circular 23/2018/TT-BNNPTNT).
VESSEL_NUMBER_PATTERN = re.compile(r"^[A-Z]{2,3}-\d{4,5}-[A-Z]{2}$")
# The OCOP programme began in Quảng Ninh in 2013 before it went national (490/QĐ-TTg, 2018).
OCOP_FIRST_YEAR = 2013
# Days before expiry when a fishing licence counts as expiring soon in the list filter.
LICENCE_WARNING_DAYS = 30
_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 .()-]+$")


def normalize_key(key: str) -> str:
    """Keys are compared as typed on a plate: upper case, no spaces."""
    return re.sub(r"\s+", "", key).upper()


@dataclass(frozen=True)
class Ref:
    """A field pointing at another registry row, given and shown by that row's key."""

    model: type[Placed]
    key: str
    label: StrOrPromise


@dataclass(frozen=True)
class ListFilter:
    """A filter of a registry list: a parameter name, its allowed values and their rows."""

    name: str
    label: StrOrPromise
    choices: tuple[tuple[str, Any], ...]
    q: Callable[[str], Q]

    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _label in self.choices)


def model_field(model: type[Placed], name: str) -> models.Field[Any, Any]:
    """A concrete field of a registry model (never a reverse relation)."""
    found = model._meta.get_field(name)
    if not isinstance(found, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a field")
    return found


@dataclass(frozen=True)
class RegistrySpec(Generic[P]):
    """What one registry is. `fields` are the editable fields in form order, references
    included; the key, the unit and the point are handled by the generic code."""

    name: str  # URL names: "cooperative" -> "registry:cooperative-list"
    path: str  # the pages' URL segment
    api_path: str  # /api/v1/<api_path>
    model: type[P]
    key: str
    key_pattern: re.Pattern[str]
    key_example: str
    # "<commune code>-<prefix><0001>" when no key is given; None: the key is required.
    code_prefix: str | None
    fields: tuple[str, ...]
    columns: tuple[str, ...]
    filters: tuple[ListFilter, ...] = ()
    refs: Mapping[str, Ref] = field(default_factory=dict)
    # References whose place (unit and point) a new row takes when none is given.
    place_from: tuple[str, ...] = ()
    rules: Rules | None = None
    # The field whose folded form is kept in `search_name` (diacritic-insensitive search).
    search_source: str | None = None
    has_photos: bool = False

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def plain_fields(self) -> tuple[str, ...]:
        return tuple(f for f in self.fields if f not in self.refs)

    def label(self, name: str) -> str:
        """The Vietnamese label of a field, of the key, of the place, or of a change kept
        in the audit trail (photos)."""
        extra = {
            "unit": _("Thôn/xã"),
            "location": _("Vị trí"),
            "photo": _("Ảnh"),
            "photo_order": _("Thứ tự ảnh"),
        }
        if name in extra:
            return extra[name]
        if name in self.refs:
            return str(self.refs[name].label)
        try:
            return str(model_field(self.model, name).verbose_name)
        except FieldDoesNotExist:
            return name

    def filter(self, name: str) -> ListFilter:
        return next(f for f in self.filters if f.name == name)


# ---------------------------------------------------------------------------------------
# Filters


def choice_filter(model: type[Placed], name: str) -> ListFilter:
    found = model_field(model, name)
    return ListFilter(
        name=name,
        label=found.verbose_name,
        choices=tuple(found.flatchoices),
        q=lambda value: Q(**{name: value}),
    )


def _yes_no_filter(model: type[Placed], name: str) -> ListFilter:
    return ListFilter(
        name=name,
        label=model_field(model, name).verbose_name,
        choices=(("yes", _lazy("Có")), ("no", _lazy("Không"))),
        q=lambda value: Q(**{name: value == "yes"}),
    )


def _licence_q(value: str) -> Q:
    today = timezone.localdate()
    soon = today + dt.timedelta(days=LICENCE_WARNING_DAYS)
    return {
        "valid": Q(licence_expires_on__gt=soon),
        "expiring": Q(licence_expires_on__gte=today, licence_expires_on__lte=soon),
        "expired": Q(licence_expires_on__lt=today),
        "unknown": Q(licence_expires_on__isnull=True),
    }[value]


def _ocop_q(value: str) -> Q:
    return Q(ocop_stars__isnull=True) if value == "none" else Q(ocop_stars=int(value))


def _maker_q(value: str) -> Q:
    return Q(cooperative__isnull=False) if value == "cooperative" else Q(household__isnull=False)


# ---------------------------------------------------------------------------------------
# Rules that only one registry has. Each returns {field: reason}; empty when all is well.


def _phone_error(phone: str) -> str | None:
    if not phone:
        return None
    digits = sum(c.isdigit() for c in phone)
    if not _PHONE_CHARACTERS.match(phone) or not 8 <= digits <= 15:
        return _("số điện thoại không hợp lệ (8–15 chữ số)")
    return None


def _not_after_today(values: Values, name: str, today: dt.date) -> dict[str, str]:
    day = values.get(name)
    if isinstance(day, dt.date) and day > today:
        return {name: _("không được sau ngày hôm nay (%(today)s)") % {"today": f"{today:%d/%m/%Y}"}}
    return {}


def _positive(values: Values, *names: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in names:
        value = values.get(name)
        if value is not None and Decimal(value) <= 0:
            errors[name] = _("phải lớn hơn 0")
    return errors


def cooperative_rules(values: Values, today: dt.date) -> dict[str, str]:
    """Founded no later than today; a phone number that can be dialled."""
    errors = _not_after_today(values, "founded_on", today)
    if phone_error := _phone_error(values.get("phone") or ""):
        errors["phone"] = phone_error
    return errors


def product_rules(values: Values, today: dt.date) -> dict[str, str]:
    """Exactly one maker, a cooperative or a household; OCOP stars 3–5 with the year of
    certification, not in the future; a price not below zero, with its unit."""
    errors: dict[str, str] = {}
    makers = [name for name in ("cooperative", "household") if values.get(name) is not None]
    if len(makers) != 1:
        reason = (
            _("chọn một nơi làm ra sản phẩm: hợp tác xã hoặc hộ gia đình, không cả hai")
            if makers
            else _("cần mã hợp tác xã hoặc mã địa chỉ của hộ làm ra sản phẩm")
        )
        errors["cooperative"] = reason
    stars, year = values.get("ocop_stars"), values.get("ocop_year")
    if stars is not None and not 3 <= stars <= 5:
        errors["ocop_stars"] = _("sản phẩm OCOP được xếp từ 3 đến 5 sao")
    if stars is not None and year is None:
        errors["ocop_year"] = _("cần năm được công nhận OCOP")
    elif stars is None and year is not None:
        errors["ocop_year"] = _("chỉ ghi năm công nhận khi có số sao OCOP")
    elif year is not None and year > today.year:
        errors["ocop_year"] = _("không được sau năm nay (%(year)s)") % {"year": today.year}
    elif year is not None and year < OCOP_FIRST_YEAR:
        errors["ocop_year"] = _("chương trình OCOP bắt đầu từ năm %(year)s") % {
            "year": OCOP_FIRST_YEAR
        }
    price = values.get("price")
    if price is not None and price < 0:
        errors["price"] = _("không được âm")
    elif price is not None and not values.get("price_unit"):
        errors["price_unit"] = _("cần đơn vị tính của giá, ví dụ kg, hộp, chai")
    return errors


def vessel_rules(values: Values, today: dt.date) -> dict[str, str]:
    """Length and engine power above zero when given."""
    return _positive(values, "length_m", "engine_kw")


def farm_rules(values: Values, today: dt.date) -> dict[str, str]:
    """An area above zero when given."""
    return _positive(values, "area_ha")


def site_rules(values: Values, today: dt.date) -> dict[str, str]:
    """A website on http(s); a phone number that can be dialled."""
    errors: dict[str, str] = {}
    website = values.get("website") or ""
    if website and not website.lower().startswith(("http://", "https://")):
        errors["website"] = _("địa chỉ trang web phải bắt đầu bằng http:// hoặc https://")
    if phone_error := _phone_error(values.get("phone") or ""):
        errors["phone"] = phone_error
    return errors


# ---------------------------------------------------------------------------------------
# The registries

_HOUSEHOLD = Ref(model=Household, key="address_code", label=_lazy("hộ (mã địa chỉ)"))

COOPERATIVE = RegistrySpec(
    name="cooperative",
    path="hop-tac-xa",
    api_path="cooperatives",
    model=Cooperative,
    key="code",
    key_pattern=CODE_PATTERN,
    key_example="37001-HTX0001",
    code_prefix="HTX",
    fields=(
        "name",
        "registration_number",
        "sector",
        "address",
        "phone",
        "email",
        "members",
        "founded_on",
        "status",
    ),
    columns=("sector", "members", "status"),
    filters=(choice_filter(Cooperative, "status"),),
    rules=cooperative_rules,
    search_source="name",
)

PRODUCT = RegistrySpec(
    name="product",
    path="san-pham",
    api_path="products",
    model=Product,
    key="code",
    key_pattern=CODE_PATTERN,
    key_example="37001-SP0001",
    code_prefix="SP",
    fields=(
        "name",
        "category",
        "cooperative",
        "household",
        "ocop_stars",
        "ocop_year",
        "price",
        "price_unit",
        "description",
    ),
    columns=("category", "ocop_stars", "cooperative", "household"),
    filters=(
        ListFilter(
            name="category",
            label=_lazy("nhóm"),
            choices=tuple(ProductCategory.choices),
            q=lambda value: Q(category=value),
        ),
        ListFilter(
            name="ocop",
            label=_lazy("số sao OCOP"),
            choices=(
                ("3", _lazy("3 sao")),
                ("4", _lazy("4 sao")),
                ("5", _lazy("5 sao")),
                ("none", _lazy("Chưa xếp hạng")),
            ),
            q=_ocop_q,
        ),
        ListFilter(
            name="maker",
            label=_lazy("nơi làm ra"),
            choices=(("cooperative", _lazy("Hợp tác xã")), ("household", _lazy("Hộ gia đình"))),
            q=_maker_q,
        ),
    ),
    refs={
        "cooperative": Ref(model=Cooperative, key="code", label=_lazy("hợp tác xã (mã)")),
        "household": _HOUSEHOLD,
    },
    place_from=("cooperative", "household"),
    rules=product_rules,
    search_source="name",
    has_photos=True,
)

VESSEL = RegistrySpec(
    name="vessel",
    path="tau-ca",
    api_path="vessels",
    model=FishingVessel,
    key="registration_number",
    key_pattern=VESSEL_NUMBER_PATTERN,
    key_example="NA-90123-TS",
    code_prefix=None,
    fields=("name", "length_m", "engine_kw", "home_port", "owner", "licence_expires_on"),
    columns=("name", "engine_kw", "home_port", "licence_expires_on"),
    filters=(
        ListFilter(
            name="licence",
            label=_lazy("giấy phép khai thác"),
            choices=(
                ("valid", _lazy("Còn hạn")),
                ("expiring", _lazy("Sắp hết hạn (trong 30 ngày)")),
                ("expired", _lazy("Đã hết hạn")),
                ("unknown", _lazy("Chưa có thông tin")),
            ),
            q=_licence_q,
        ),
    ),
    refs={
        "owner": Ref(model=Household, key="address_code", label=_lazy("hộ chủ tàu (mã địa chỉ)"))
    },
    rules=vessel_rules,
)

FARM = RegistrySpec(
    name="farm",
    path="nuoi-trong-thuy-san",
    api_path="farms",
    model=AquacultureFarm,
    key="code",
    key_pattern=CODE_PATTERN,
    key_example="37001-NT0001",
    code_prefix="NT",
    fields=("name", "household", "area_ha", "species", "farming_type"),
    columns=("household", "area_ha", "species", "farming_type"),
    filters=(choice_filter(AquacultureFarm, "farming_type"),),
    refs={"household": _HOUSEHOLD},
    place_from=("household",),
    rules=farm_rules,
)

TOURISM_SITE = RegistrySpec(
    name="tourism-site",
    path="diem-du-lich",
    api_path="tourism-sites",
    model=TourismSite,
    key="code",
    key_pattern=CODE_PATTERN,
    key_example="37001-DL0001",
    code_prefix="DL",
    fields=("name", "kind", "description", "opening_hours", "phone", "website"),
    columns=("kind", "opening_hours"),
    filters=(choice_filter(TourismSite, "kind"),),
    rules=site_rules,
    search_source="name",
    has_photos=True,
)

WIFI_POINT = RegistrySpec(
    name="wifi-point",
    path="wifi-cong-cong",
    api_path="wifi-points",
    model=PublicWifiPoint,
    key="code",
    key_pattern=CODE_PATTERN,
    key_example="37001-WF0001",
    code_prefix="WF",
    fields=("place", "provider", "is_working"),
    columns=("provider", "is_working"),
    filters=(_yes_no_filter(PublicWifiPoint, "is_working"),),
)

CAMERA = RegistrySpec(
    name="camera",
    path="camera-an-ninh",
    api_path="cameras",
    model=SecurityCamera,
    key="code",
    key_pattern=CODE_PATTERN,
    key_example="37001-CAM0001",
    code_prefix="CAM",
    fields=("place", "purpose", "connected_to_centre", "is_working"),
    columns=("purpose", "connected_to_centre", "is_working"),
    filters=(
        choice_filter(SecurityCamera, "purpose"),
        _yes_no_filter(SecurityCamera, "connected_to_centre"),
        _yes_no_filter(SecurityCamera, "is_working"),
    ),
)

SPECS: dict[str, RegistrySpec[Any]] = {
    spec.name: spec
    for spec in (COOPERATIVE, PRODUCT, VESSEL, FARM, TOURISM_SITE, WIFI_POINT, CAMERA)
}
