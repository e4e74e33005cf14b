"""The map's layers: one per registry, declared from its `RegistrySpec` (model, list
filters, detail page), with the properties it may show, and the units as context; what
a request asks of a layer (`layer_query_parse`).

Properties never carry personal data (Decree 13/2023): no head of household's name or
phone, only codes, kinds, statuses and counts that popups and filters need.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from langso.places.models import Level

from ..models import Broadband, Household, Placed
from ..specs import (
    CAMERA,
    COOPERATIVE,
    FARM,
    PRODUCT,
    TOURISM_SITE,
    VESSEL,
    WIFI_POINT,
    ListFilter,
    RegistrySpec,
    choice_filter,
)
from .tiles import MapInputError


@dataclass(frozen=True)
class MapLayer:
    """A registry on the map. `properties` maps a property name to the model field it is
    read from; nothing else leaves the database."""

    name: str
    title: str | Promise
    model: type[Placed]
    properties: Mapping[str, str]
    # The registry list's own filters (`specs`), so that the list and the map agree.
    filters: tuple[ListFilter, ...] = ()
    cluster_below_zoom: int = 12
    color: str = "#555555"
    # The route (in the "registry" namespace) of a row's page, taking its code.
    detail_route: str = ""

    def filter_named(self, name: str) -> ListFilter | None:
        return next((f for f in self.filters if f.name == name), None)

    def property_labels(self) -> dict[str, str | Promise]:
        """Each property's label for popups: the verbose name of the field it is read from."""
        return {
            name: self.model._meta.get_field(source).verbose_name  # type: ignore[union-attr]  # properties name concrete fields, never relations
            for name, source in self.properties.items()
        }


class UnitLayer:
    """Administrative units as context: boundaries where loaded, centroids elsewhere. Units
    are public reference data, so this layer is not scoped."""

    name = "units"
    title = gettext_lazy("Đơn vị hành chính")


def _fewer_than_adults(field_name: str) -> Q:
    return Q(**{f"{field_name}__lt": F("adults")})


# A readiness gap: some adult still lacks what the programme counts. An unknown count is
# not a gap — it is shown as "not surveyed" instead.
HOUSEHOLD_GAPS: dict[str, tuple[str | Promise, Callable[[], Q]]] = {
    "smartphone": (
        gettext_lazy("Còn người chưa có điện thoại thông minh"),
        lambda: _fewer_than_adults("adults_smartphone"),
    ),
    "epayment": (
        gettext_lazy("Còn người chưa có tài khoản thanh toán điện tử"),
        lambda: _fewer_than_adults("adults_epayment"),
    ),
    "vneid": (
        gettext_lazy("Còn người chưa có VNeID mức 2"),
        lambda: _fewer_than_adults("adults_vneid"),
    ),
    "public_service": (
        gettext_lazy("Còn người chưa có tài khoản dịch vụ công"),
        lambda: _fewer_than_adults("adults_public_service"),
    ),
    "broadband": (
        gettext_lazy("Chưa có internet cố định"),
        lambda: Q(broadband=Broadband.NONE),
    ),
    "unknown": (
        gettext_lazy("Chưa khảo sát mức sẵn sàng"),
        lambda: Q(adults_smartphone__isnull=True),
    ),
}


def _registry_layer(
    spec: RegistrySpec[Any], name: str, title: str | Promise, color: str, /, **properties: str
) -> MapLayer:
    """The layer of a registry: its model, its list's filters (so that the list and the
    map agree) and its detail page come from its spec."""
    return MapLayer(
        name=name,
        title=title,
        model=spec.model,
        properties=properties,
        filters=spec.filters,
        color=color,
        detail_route=f"{spec.name}-detail",
    )


LAYERS: dict[str, MapLayer] = {
    layer.name: layer
    for layer in (
        MapLayer(
            name="households",
            title=gettext_lazy("Hộ gia đình"),
            model=Household,
            properties={
                "code": "address_code",
                "status": "status",
                "adults": "adults",
                "smartphone": "adults_smartphone",
                "epayment": "adults_epayment",
            },
            # The map's own: what pre-counted cells can answer (see `queries.cluster_cells`).
            filters=(
                choice_filter(Household, "status"),
                ListFilter(
                    name="gap",
                    label=gettext_lazy("Còn thiếu"),
                    choices=tuple((key, label) for key, (label, _q) in HOUSEHOLD_GAPS.items()),
                    q=lambda value: HOUSEHOLD_GAPS[value][1](),
                ),
            ),
            # Individual houses from zoom 15 (a tile ~1.2 km across); clusters below.
            cluster_below_zoom=15,
            color="#1f77b4",
            detail_route="household-detail",
        ),
        _registry_layer(
            COOPERATIVE, "cooperatives", gettext_lazy("Hợp tác xã"), "#2ca02c",
            code="code", name="name", status="status",
        ),
        _registry_layer(
            PRODUCT, "products", gettext_lazy("Sản phẩm"), "#ff7f0e",
            code="code", category="category", ocop="ocop_stars",
        ),
        _registry_layer(
            VESSEL, "vessels", gettext_lazy("Tàu cá"), "#17becf", code="registration_number"
        ),
        _registry_layer(
            FARM, "farms", gettext_lazy("Nuôi trồng thủy sản"), "#9467bd",
            code="code", farming_type="farming_type", area="area_ha",
        ),
        _registry_layer(
            TOURISM_SITE, "tourism", gettext_lazy("Điểm du lịch"), "#d62728",
            code="code", name="name", kind="kind",
        ),
        _registry_layer(
            WIFI_POINT, "wifi", gettext_lazy("Wifi công cộng"), "#e377c2",
            code="code", working="is_working",
        ),
        _registry_layer(
            CAMERA, "cameras", gettext_lazy("Camera an ninh"), "#8c564b",
            code="code", purpose="purpose", working="is_working",
        ),
    )
}  # fmt: skip
UNITS = UnitLayer()


@dataclass(frozen=True)
class LayerQuery:
    """What a request asks of one layer: the layer and the rows its filters keep."""

    layer: MapLayer | UnitLayer
    filters: Q = field(default_factory=Q)
    # The filters' values by name, as asked: what pre-counted map cells can answer.
    choices: Mapping[str, str] = field(default_factory=dict)
    # For the units layer over GeoJSON: which level (tiles choose by zoom).
    unit_level: str = Level.COMMUNE

    def registry_layer(self) -> MapLayer:
        """The registry layer asked for, where only a registry's will do."""
        if not isinstance(self.layer, MapLayer):
            raise TypeError(self.layer)
        return self.layer


def layer_get(name: str) -> MapLayer | UnitLayer | None:
    if name == UNITS.name:
        return UNITS
    return LAYERS.get(name)


# Parameters every map request may carry besides a layer's filters.
_COMMON_PARAMETERS = frozenset({"layer", "bbox"})


def layer_query_parse(name: str, parameters: Mapping[str, str]) -> LayerQuery:
    """The layer `name` with the filters in `parameters`. An unknown layer, an unknown
    parameter or a value outside a filter's choices is refused, naming it."""
    layer = layer_get(name)
    if layer is None:
        raise MapInputError(
            _("Lớp bản đồ “%(name)s” không có. Các lớp: %(names)s.")
            % {"name": name[:50], "names": ", ".join([*LAYERS, UNITS.name])}
        )
    if isinstance(layer, UnitLayer):
        return LayerQuery(layer=layer, unit_level=_unit_level_parse(parameters))
    filters = Q()
    choices: dict[str, str] = {}
    for key, value in parameters.items():
        if key in _COMMON_PARAMETERS:
            continue
        spec = layer.filter_named(key)
        if spec is None:
            raise _unknown_filter(layer.name, key)
        if value == "":
            continue
        if value not in {choice for choice, _label in spec.choices}:
            raise MapInputError(
                _("Bộ lọc “%(name)s” không nhận giá trị “%(value)s”; chọn một trong: %(choices)s.")
                % {
                    "name": key,
                    "value": value[:50],
                    "choices": ", ".join(choice for choice, _label in spec.choices),
                }
            )
        filters &= spec.q(value)
        choices[key] = value
    return LayerQuery(layer=layer, filters=filters, choices=choices)


def _unknown_filter(layer: str, name: str) -> MapInputError:
    return MapInputError(
        _("Lớp “%(layer)s” không có bộ lọc “%(name)s”.") % {"layer": layer, "name": name[:50]}
    )


def _unit_level_parse(parameters: Mapping[str, str]) -> str:
    for key in parameters:
        if key not in _COMMON_PARAMETERS | {"level"}:
            raise _unknown_filter(UNITS.name, key)
    level = parameters.get("level") or Level.COMMUNE
    allowed = (Level.PROVINCE, Level.COMMUNE, Level.VILLAGE)
    if level not in allowed:
        raise MapInputError(
            _("Cấp “%(level)s” không hợp lệ; chọn một trong: %(choices)s.")
            % {"level": level[:50], "choices": ", ".join(allowed)}
        )
    return level


def unit_levels_at(zoom: int) -> tuple[str, ...]:
    """Which units give context at a zoom: provinces for the country, communes for a
    province, villages too once houses are drawn one by one."""
    if zoom < 7:
        return (Level.PROVINCE,)
    if zoom < 12:
        return (Level.COMMUNE,)
    return (Level.COMMUNE, Level.VILLAGE)
