"""Periods: created when first used, closed once by a central admin, which freezes
their values."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide
from langso.core.actors import Actor
from langso.core.db import for_update, lock_against_writes
from langso.core.errors import AccessDenied, DomainError

from ..models import FrozenAggregate, HouseholdAggregate, Period
from ..selectors import period_parse


def period_ensure(*, code: str) -> Period:
    """The stored period a code names, stored now if it was not."""
    period = period_parse(code)
    if period.pk is None:
        period, _created = Period.objects.get_or_create(
            code=period.code,
            defaults={"kind": period.kind, "start": period.start, "end": period.end},
        )
    return period


def period_open_check(period: Period) -> None:
    """Refuse a change to a closed period's values."""
    if period.closed_at is not None:
        raise DomainError(
            _("Kỳ %(period)s đã chốt ngày %(day)s: số liệu của kỳ không thể thay đổi.")
            % {
                "period": period.code,
                "day": timezone.localtime(period.closed_at).strftime("%d/%m/%Y"),
            }
        )


def period_close_check(*, actor: Actor, period: Period) -> None:
    """Refuse to close a period that is closed, has not ended, or by anyone but a
    central admin: said at once, before the copy is queued."""
    if not is_nationwide(user=actor, permission=Permission.DEFINE_INDICATORS):
        raise AccessDenied(_("Chỉ quản trị trung ương được chốt kỳ số liệu."))
    period_open_check(period)
    if period.end >= timezone.localdate():
        raise DomainError(
            _("Kỳ %(period)s chưa kết thúc (đến hết %(day)s): chưa thể chốt.")
            % {"period": period.code, "day": period.end.strftime("%d/%m/%Y")}
        )


@transaction.atomic
def period_close(*, actor: Actor, code: str) -> Period:
    """Close a period that has ended: the household aggregates are copied as they stand
    (under a lock that holds their writers off, so the copy is one consistent state),
    and reported values of the period can no longer change. At national scale the copy
    is some 1.5 million rows: the page runs it as a background task."""
    period = for_update(Period.objects.filter(pk=period_ensure(code=code).pk)).get()
    period_close_check(actor=actor, period=period)
    lock_against_writes(HouseholdAggregate)
    frozen = connection.ops.quote_name(FrozenAggregate._meta.db_table)
    live = connection.ops.quote_name(HouseholdAggregate._meta.db_table)
    with connection.cursor() as cursor:
        # Table names come from the models; the period is a parameter.
        cursor.execute(
            f"INSERT INTO {frozen} (period_id, unit_id, province_id, commune_id, measure, value) "  # noqa: S608
            f"SELECT %s, unit_id, province_id, commune_id, measure, value FROM {live} "
            "WHERE value <> 0",
            [period.pk],
        )
    period.closed_at = timezone.now()
    period.closed_by_id = actor.pk
    period.save(update_fields=["closed_at", "closed_by"])
    return period
