"""Registries: households, cooperatives and products, vessels and farms, tourism sites,
public wifi points and security cameras. Each row is placed in the tree and on the map."""

from .base import Placed, Source
from .economy import Cooperative, Photo, Product, ProductCategory
from .fisheries import AquacultureFarm, FishingVessel
from .households import (
    COUNT_FIELDS,
    FIELD_GROUPS,
    AddressCodeKind,
    AddressSequence,
    Broadband,
    Household,
    HouseholdStatus,
    LikelyDuplicate,
    MobileCoverage,
)
from .places_of_interest import PublicWifiPoint, SecurityCamera, TourismSite

__all__ = [
    "COUNT_FIELDS",
    "FIELD_GROUPS",
    "AddressCodeKind",
    "AddressSequence",
    "AquacultureFarm",
    "Broadband",
    "Cooperative",
    "FishingVessel",
    "Household",
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
]
