"""Who may change administrative units: the checks every write of `places` makes, and
pages make before showing a form.

`places` cannot import `accounts`: it asks Django's permission API, which the accounts
backend answers from the actor's roles on units and their subtrees. A unit that is not
the current unit of the right level is `NotFound`: there is no such unit to change, and
pages and the API answer 404 for it as for an unknown code."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.errors import AccessDenied, NotFound

from ..models import AdminUnit, Level

# Seeing a unit's own data (its indicators, its criteria): a role on it or above it.
VIEW_SCOPED = "view_scoped"
MANAGE_VILLAGES = "manage_villages"
SET_COMMUNE_GROUP = "set_commune_group"
IMPORT_BOUNDARIES = "import_boundaries"


def signed_in_check(actor: Actor) -> None:
    if not actor.is_authenticated:
        raise AccessDenied(_("Bạn cần đăng nhập để thay đổi đơn vị hành chính."))


def current_commune_check(commune: AdminUnit) -> None:
    """Raise unless `commune` is a commune in force: only those can change."""
    if commune.level != Level.COMMUNE:
        raise NotFound(_("Không có xã mã “%(code)s”.") % {"code": commune.code})
    if commune.valid_to is not None:
        raise NotFound(
            _("%(unit)s chỉ có hiệu lực đến %(day)s; chỉ thay đổi được xã hiện hành.")
            % {"unit": commune.name, "day": commune.valid_to.strftime("%d/%m/%Y")}
        )


def village_manage_check(*, actor: Actor, commune: AdminUnit) -> None:
    """Raise unless `commune` is a current commune whose villages `actor` may manage.
    Pages call it before showing a form; every village service calls it again."""
    current_commune_check(commune)
    signed_in_check(actor)
    if not actor.has_perm(MANAGE_VILLAGES, commune):
        raise AccessDenied(
            _("Bạn không có quyền quản lý thôn của %(commune)s.") % {"commune": commune.name}
        )


def village_commune(*, village: AdminUnit) -> AdminUnit:
    """The current commune of a current village (whose officers manage it)."""
    if village.level != Level.VILLAGE or village.commune is None:
        raise NotFound(_("Không có thôn mã “%(code)s”.") % {"code": village.code})
    if village.valid_to is not None:
        raise NotFound(
            _("%(unit)s chỉ có hiệu lực đến %(day)s; chỉ sửa được thôn hiện hành.")
            % {"unit": village.name, "day": village.valid_to.strftime("%d/%m/%Y")}
        )
    return village.commune


def commune_group_set_check(*, actor: Actor, commune: AdminUnit) -> None:
    """Raise unless `commune` is a current commune that `actor` may put in a group.
    Pages call it before showing a form; `commune_group_set` calls it again."""
    current_commune_check(commune)
    signed_in_check(actor)
    if not actor.has_perm(SET_COMMUNE_GROUP, commune):
        raise AccessDenied(
            _("Bạn không có quyền xếp nhóm cho %(commune)s.") % {"commune": commune.name}
        )


def boundaries_import_check(*, actor: Actor, units: Iterable[AdminUnit]) -> None:
    """Raise unless `actor` may import the boundaries of every one of `units`; the
    refusal names (some of) the units refused, which the file itself named."""
    signed_in_check(actor)
    refused = sorted({unit.name for unit in units if not actor.has_perm(IMPORT_BOUNDARIES, unit)})
    if refused:
        shown = ", ".join(refused[:10])
        more = len(refused) - 10
        raise AccessDenied(
            _("Bạn không có quyền nhập ranh giới cho: %(units)s.") % {"units": shown}
            if more <= 0
            else _("Bạn không có quyền nhập ranh giới cho: %(units)s và %(more)s đơn vị khác.")
            % {"units": shown, "more": more}
        )
