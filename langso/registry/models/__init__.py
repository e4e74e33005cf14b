"""Registries: households, cooperatives and products, vessels and farms, tourism sites,
public wifi points and security cameras. Each row is placed in the tree and on the map."""

from .base import Placed, Source
from .economy import Cooperative, Photo, Product, ProductCategory
from .fisheries import AquacultureFarm, FishingVessel
from .households import (
    COUNT_FIELDS,
    EVENT_FIELDS,
    FIELD_GROUPS,
    AddressCodeKind,
    AddressSequence,
    Broadband,
    Household,
    HouseholdStatus,
    LikelyDuplicate,
    MobileCoverage,
    head_name_keys,
)
from .map_cells import HouseholdMapCell
from .places_of_interest import PublicWifiPoint, SecurityCamera, TourismSite

__all__ = [
    "COUNT_FIELDS",
    "EVENT_FIELDS",
    "FIELD_GROUPS",
    "AddressCodeKind",
    "AddressSequence",
    "AquacultureFarm",
    "Broadband",
    "Cooperative",
    "FishingVessel",
    "Household",
    "HouseholdMapCell",
    "HouseholdStatus",
    "LikelyDuplicate",
    "MobileCoverage",
    "Photo",
    "Placed",
    "Product",
    "ProductCategory",
    "PublicWifiPoint",
    "SecurityCamera",
    "Source",
    "TourismSite",
    "head_name_keys",
]
