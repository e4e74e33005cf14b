"""/api/v1 endpoints of the registries; each registry adds its own router here."""

from ninja import Router

from .households import router as households_router
from .placed import router as placed_router

router = Router()
router.add_router("", households_router)
router.add_router("", placed_router)
