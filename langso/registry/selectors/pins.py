"""The small figure of a record's point on its page (`maps.pin`): the commune's own
boundary, or its approximate cell where none is loaded. A record page's caller has
already reached the row through the user's scope (its access selector); a create page
draws the user's own commune, found through the scope here."""

from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry

from langso.accounts.roles import Permission
from langso.accounts.selectors import unit_scope_q
from langso.core.actors import Actor
from langso.places.models import AdminUnit

from ..maps.approx import approx_commune_cell
from ..maps.pin import PinFigure, pin_figure
from ..models import Placed


def _commune_figure(commune: AdminUnit, point: tuple[float, float] | None) -> PinFigure | None:
    outline: GEOSGeometry | None = commune.boundary
    approximate = False
    if outline is None:
        outline = approx_commune_cell(commune)
        approximate = outline is not None
    return pin_figure(point=point, outline=outline, approximate=approximate)


def pin_figure_for_row(*, row: Placed) -> PinFigure | None:
    """The row's point in its commune's outline; None when neither is known."""
    point = (row.location.x, row.location.y) if row.location is not None else None
    return _commune_figure(row.commune, point)


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
