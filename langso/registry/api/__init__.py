"""/api/v1 endpoints of the registries; each registry adds its own router here."""

from ninja import Router

router = Router()
