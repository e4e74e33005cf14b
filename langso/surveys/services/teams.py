"""Community digital-technology teams: one per village, its members (people holding the
team role in the commune or the village) and the villages assigned to it. The commune
officer who grants team roles keeps the teams."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Permission, Role
from langso.core.actors import Actor
from langso.core.db import for_update
from langso.core.errors import AccessDenied, FieldsInvalid
from langso.core.models import AuditEntry
from langso.core.services import audit_record
from langso.places.models import AdminUnit, Level

from ..models import DigitalTeam


class TeamInvalid(FieldsInvalid):
    """Bad team values: `errors` maps each field to its reason, in Vietnamese; the
    message is the reasons alone."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)


def digital_team_may_manage(*, actor: Actor, commune: AdminUnit) -> bool:
    return bool(actor.is_authenticated and actor.has_perm(Permission.ASSIGN_ROLES, commune))


def digital_team_manage_check(*, actor: Actor, commune: AdminUnit) -> None:
    if not digital_team_may_manage(actor=actor, commune=commune):
        raise AccessDenied(
            _("Bạn không có quyền quản lý tổ công nghệ số ở %(unit)s.") % {"unit": commune.name}
        )


def _check(
    commune: AdminUnit, members: Sequence[User], villages: Sequence[AdminUnit], name: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Cần tên tổ.")
    elif len(name.strip()) > 200:
        errors["name"] = _("Tên tổ dài quá 200 ký tự.")
    foreign = [v for v in villages if v.commune_id != commune.pk or v.valid_to is not None]
    if foreign:
        errors["villages"] = _("%(names)s không phải thôn hiện hành của %(commune)s.") % {
            "names": ", ".join(v.name for v in foreign),
            "commune": commune.name,
        }
    # Members hold the team role in this commune or one of its villages.
    holders = set(
        RoleAssignment.objects.filter(
            role=Role.DIGITAL_TEAM_MEMBER, user__in=[m.pk for m in members]
        )
        .filter(Q(unit=commune) | Q(unit__commune=commune))
        .values_list("user_id", flat=True)
    )
    outsiders = [m for m in members if m.pk not in holders]
    if outsiders:
        errors["members"] = _(
            "%(names)s chưa được giao vai trò thành viên tổ công nghệ số ở %(commune)s."
        ) % {
            "names": ", ".join(m.get_full_name() or m.username for m in outsiders),
            "commune": commune.name,
        }
    return errors


def _snapshot(team: DigitalTeam) -> dict[str, Any]:
    return {
        "name": team.name,
        "members": sorted(team.members.values_list("username", flat=True)),
        "villages": sorted(team.villages.values_list("code", flat=True)),
    }


@transaction.atomic
def digital_team_create(
    *,
    actor: Actor,
    village: AdminUnit,
    name: str,
    members: Sequence[User] = (),
    villages: Sequence[AdminUnit] = (),
) -> DigitalTeam:
    """A team for `village`, which is always among its assigned villages."""
    if village.level != Level.VILLAGE or village.commune is None or village.valid_to is not None:
        raise TeamInvalid({"village": _("Chọn một thôn hiện hành.")})
    commune = village.commune
    digital_team_manage_check(actor=actor, commune=commune)
    assigned = list(dict.fromkeys([village, *villages]))
    errors = _check(commune, members, assigned, name)
    if errors:
        raise TeamInvalid(errors)
    try:
        with transaction.atomic():
            team = DigitalTeam.objects.create(name=name.strip(), commune=commune, village=village)
    except IntegrityError as exc:
        raise TeamInvalid(
            {"village": _("%(village)s đã có tổ công nghệ số.") % {"village": village.name}}
        ) from exc
    team.members.set(members)
    team.villages.set(assigned)
    audit_record(actor=actor, instance=team, action=AuditEntry.Action.CREATE, after=_snapshot(team))
    return team


@transaction.atomic
def digital_team_update(
    *,
    actor: Actor,
    team: DigitalTeam,
    name: str,
    members: Sequence[User],
    villages: Sequence[AdminUnit],
) -> DigitalTeam:
    """Rename the team, and set its members and assigned villages (its own village stays
    assigned)."""
    team = for_update(DigitalTeam.objects.select_related("commune", "village")).get(pk=team.pk)
    digital_team_manage_check(actor=actor, commune=team.commune)
    assigned = list(dict.fromkeys([team.village, *villages]))
    errors = _check(team.commune, members, assigned, name)
    if errors:
        raise TeamInvalid(errors)
    before = _snapshot(team)
    team.name = name.strip()
    team.save(update_fields=["name"])
    team.members.set(members)
    team.villages.set(assigned)
    audit_record(
        actor=actor,
        instance=team,
        action=AuditEntry.Action.UPDATE,
        before=before,
        after=_snapshot(team),
    )
    return team
