"""The recognitions' overlay on the registry's map ("Công nhận đạt chuẩn"): declared
here, registered from `AppConfig.ready()` (the registry sits below this app and cannot
import it), served by `views.map` from `selectors.map`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from langso.accounts.roles import Permission
from langso.accounts.selectors import user_has_permission_somewhere
from langso.core.actors import Actor
from langso.registry.maps import LegendEntry, MapOverlay

OVERLAY_NAME = "recognitions"

# The states a recognition is drawn in: the features' `state`, the legend's values.
RECOGNISED = "recognised"
AT_RISK = "at_risk"
REVOKED = "revoked"


def _officer(user: Actor) -> bool:
    return user_has_permission_somewhere(user=user, permission=Permission.VIEW_SCOPED)


def _sees_at_risk(user: Actor) -> bool:
    # Imported here: the selectors import this module for its states.
    from .selectors.map import sees_at_risk

    return sees_at_risk(user=user)


RECOGNITION_OVERLAY = MapOverlay(
    name=OVERLAY_NAME,
    title=gettext_lazy("Công nhận đạt chuẩn"),
    url_name="recognition:map",
    legend=(
        LegendEntry(RECOGNISED, gettext_lazy("Đã công nhận, còn hiệu lực"), "#2e7d32"),
        LegendEntry(
            AT_RISK, gettext_lazy("Có nguy cơ không giữ chuẩn"), "#f9a825", shown_to=_sees_at_risk
        ),
        LegendEntry(REVOKED, gettext_lazy("Đã thu hồi"), "#c62828"),
    ),
    properties={
        "state_label": gettext_lazy("Tình trạng"),
        "set": gettext_lazy("Bộ tiêu chí"),
        "year": gettext_lazy("Năm"),
        "decision": gettext_lazy("Quyết định công nhận"),
        "revocation": gettext_lazy("Quyết định thu hồi"),
    },
    shown_to=_officer,
)


def state_labels() -> dict[str, str]:
    """Each state's label, as the legend names it."""
    return {entry.value: str(entry.label) for entry in RECOGNITION_OVERLAY.legend}
