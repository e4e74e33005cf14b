"""The small figure of a record's point on its page (`maps.pin`): the commune's own
boundary, or its approximate cell where none is loaded, and inside it the record's
village's, likewise. A record page's caller has
already reached the row through the user's scope (its access selector); a create page
draws the user's own commune, found through the scope here."""

from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry

from langso.accounts.roles import Permission
from langso.accounts.selectors import unit_scope_q
from langso.core.actors import Actor
from langso.places.models import AdminUnit, Level

from ..maps.approx import approx_commune_cell
from ..maps.approx_villages import approx_village_cell
from ..maps.pin import PinFigure, pin_figure
from ..models import Placed


def _outline(
    unit: AdminUnit | None, commune: AdminUnit | None = None
) -> tuple[GEOSGeometry | None, bool]:
    """The unit's imported boundary, or its approximate cell (marked so), or None. A
    village's cell is clipped to `commune`, its commune."""
    if unit is None:
        return None, False
    if unit.boundary is not None:
        return unit.boundary, False
    if unit.level == Level.VILLAGE:
        cell = approx_village_cell(unit, commune=commune)
    else:
        cell = approx_commune_cell(unit)
    return cell, cell is not None


def _commune_figure(
    commune: AdminUnit, point: tuple[float, float] | None, village: AdminUnit | None = None
) -> PinFigure | None:
    outline, approximate = _outline(commune)
    village_outline, village_approximate = _outline(village, commune)
    return pin_figure(
        point=point,
        outline=outline,
        approximate=approximate,
        village=village_outline,
        village_approximate=village_approximate,
    )


def pin_figure_for_row(*, row: Placed) -> PinFigure | None:
    """The row's point in its commune's outline and, where the row has a village, the
    village's; None when none is known."""
    point = (row.location.x, row.location.y) if row.location is not None else None
    return _commune_figure(row.commune, point, row.village)


def pin_figure_for_new_row(*, user: Actor) -> PinFigure | None:
    """A create page's figure, with no pin yet: the outline of the commune where `user`
    keeps registries, when their scope is one commune or villages of one commune (a
    commune officer, a village head, a digital team); None for wider scopes, where the
    coordinates are typed. Two queries at most."""
    communes = list(
        AdminUnit.objects.current()
        .filter(unit_scope_q(user=user, permission=Permission.MANAGE_REGISTRIES))
        .filter(commune__isnull=False)
        .values_list("commune_id", flat=True)
        .order_by()
        .distinct()[:2]
    )
    if len(communes) != 1:
        return None
    commune = AdminUnit.objects.select_related("province").get(pk=communes[0])
    return _commune_figure(commune, None)
