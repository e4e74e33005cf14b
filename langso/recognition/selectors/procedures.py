"""Which procedure a dossier goes through, and its spec."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from langso.core.errors import NotFound
from langso.places.models import AdminUnit

from ..models import Procedure
from ..procedure import ProcedureSpec, procedure_spec_from_stored


def procedure_in_force(*, set_code: str, unit: AdminUnit) -> Procedure:
    """The procedure a dossier of `unit` for the set `set_code` goes through: the
    latest version of the unit's province's own variant that covers the set, else the
    latest national version that does. Procedures are few; they are read whole."""
    candidates = [
        procedure
        for procedure in Procedure.objects.filter(
            Q(province__isnull=True) | Q(province_id=unit.province_id)
        ).order_by("-version", "pk")
        if set_code in procedure.set_codes and procedure.level == unit.level
    ]
    own = [p for p in candidates if p.province_id is not None]
    found = own[0] if own else next(iter(candidates), None)
    if found is None:
        raise NotFound(
            _("Chưa có quy trình công nhận nào áp dụng cho bộ tiêu chí này ở cấp %(level)s.")
            % {"level": unit.get_level_display()}
        )
    return found


def procedure_spec(procedure: Procedure) -> ProcedureSpec:
    """The spec of a stored procedure version, as dataclasses."""
    return procedure_spec_from_stored(procedure.spec)
