"""What sending an announcement would do, counted before it is sent: households of the
audience, the channel each would be tried on first, those with no channel, phones the
registry holds that are not Vietnamese mobiles, and what the SMS would cost with and
without diacritics. Aggregate queries only, so that a province previews in seconds."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Case, IntegerField, Min, Value, When
from django.utils.translation import gettext as _

from langso.messaging.channels.sms import sms_ascii, sms_segments
from langso.messaging.models import Channel

from ..models import Announcement
from .audience import (
    announcement_households,
    channels_best_first,
    registry_phone_contacts,
    usable_contacts,
)


@dataclass(frozen=True)
class SmsCost:
    encoding: str
    characters: int
    segments: int
    # Segments × households × the price of one segment.
    cost_vnd: int


@dataclass(frozen=True)
class Preview:
    households: int
    # Best channel → households first tried on it, in the order the channels are tried.
    by_channel: dict[str, int]
    no_channel: int
    invalid_phones: int
    sms_with_diacritics: SmsCost | None
    sms_without_diacritics: SmsCost | None

    @property
    def channel_rows(self) -> list[tuple[str, int]]:
        """(the channel's name, households) in the order channels are tried."""
        return [(str(Channel(c).label), n) for c, n in self.by_channel.items()]


def sms_text(announcement: Announcement, *, ascii_only: bool | None = None) -> str:
    """The text an SMS of `announcement` carries: its title and body, or the chosen
    version without diacritics (`sms_text`); `ascii_only` asks for one of the two."""
    full = f"{announcement.title}. {announcement.body}"
    if ascii_only is None:
        return announcement.sms_text or full
    return sms_ascii(full) if ascii_only else full


def segment_cost() -> int:
    return int(getattr(settings, "SMS_SEGMENT_COST_VND", 350))


def _sms_cost(text: str, households: int) -> SmsCost:
    encoding, segments = sms_segments(text)
    return SmsCost(
        encoding=encoding,
        characters=len(text),
        segments=segments,
        cost_vnd=segments * households * segment_cost(),
    )


def _best_channel_counts(announcement: Announcement) -> dict[str, int]:
    """Households of the audience by the best channel they have a usable contact on:
    the contacts grouped by household (each household's best rank), then counted by
    rank — one pass over the contacts, never a lookup per household."""
    channels = channels_best_first(announcement.channels)
    ranked = (
        usable_contacts(announcement=announcement)
        .filter(holder_id__in=announcement_households(announcement=announcement).values("pk"))
        .order_by()
        .values("holder_id")
        .annotate(
            best=Min(
                Case(
                    *(When(channel=c, then=Value(rank)) for rank, c in enumerate(channels)),
                    output_field=IntegerField(),
                )
            )
        )
        .values("best")
    )
    inner, params = ranked.query.sql_with_params()
    # Grouping a grouped query: the ORM has no FROM (subquery); the inner SQL is the
    # ORM's own, every value a parameter.
    sql = f"SELECT best, COUNT(*) FROM ({inner}) AS ranked GROUP BY best"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {channels[rank]: n for rank, n in cursor.fetchall()}


def announcement_preview(*, announcement: Announcement) -> Preview:
    """The counts above in a few aggregate queries: the audience, its households by
    best channel, and the registry phones that did not become SMS contacts."""
    households = announcement_households(announcement=announcement)
    channels = channels_best_first(announcement.channels)
    total = households.count()
    counted = _best_channel_counts(announcement)
    # A head phone that is no Vietnamese mobile never became an SMS contact (phones
    # become contacts when the draft is saved and when it is sent).
    # Counted as those with a phone less those whose phone is a contact: a positive
    # IN is a hash semi-join, where NOT IN over every contact would be quadratic.
    with_phone = households.exclude(head_phone="")
    invalid = (
        with_phone.count()
        - registry_phone_contacts()
        .filter(holder_id__in=with_phone.values("pk"))
        .order_by()
        .values("holder_id")
        .distinct()
        .count()
    )
    sms_households = counted.get(Channel.SMS, 0)
    return Preview(
        households=total,
        by_channel={channel: counted.get(channel, 0) for channel in channels},
        no_channel=total - sum(counted.values()),
        invalid_phones=invalid,
        sms_with_diacritics=_sms_cost(sms_text(announcement, ascii_only=False), sms_households)
        if Channel.SMS in channels
        else None,
        sms_without_diacritics=_sms_cost(sms_text(announcement, ascii_only=True), sms_households)
        if Channel.SMS in channels
        else None,
    )


# What one message may hold per channel. SMS: eight segments (536 characters with
# diacritics, 1,224 without), past which operators split unreliably and the cost
# surprises; Zalo OA text messages: 2,000 characters.
SMS_MAX_SEGMENTS = 8
ZALO_MAX_CHARACTERS = 2000
_SEGMENT_CHARACTERS = {"gsm": 153, "ucs2": 67}


def too_long(*, announcement: Announcement) -> list[str]:
    """Why the text does not fit each chosen channel it is too long for, saying which
    and by how much; empty when it fits every one."""
    reasons = []
    if Channel.SMS in announcement.channels:
        text = sms_text(announcement)
        encoding, segments = sms_segments(text)
        if segments > SMS_MAX_SEGMENTS:
            limit = SMS_MAX_SEGMENTS * _SEGMENT_CHARACTERS[encoding]
            reasons.append(
                _(
                    "Tin SMS dài %(length)s ký tự, quá %(over)s ký tự so với giới hạn "
                    "%(limit)s ký tự (%(segments)s tin nhắn); hãy rút gọn hoặc chọn gửi "
                    "không dấu."
                )
                % {
                    "length": len(text),
                    "over": len(text) - limit,
                    "limit": limit,
                    "segments": SMS_MAX_SEGMENTS,
                }
            )
    if Channel.ZALO in announcement.channels and len(announcement.body) > ZALO_MAX_CHARACTERS:
        reasons.append(
            _("Tin Zalo dài %(length)s ký tự, quá %(over)s ký tự so với giới hạn %(limit)s.")
            % {
                "length": len(announcement.body),
                "over": len(announcement.body) - ZALO_MAX_CHARACTERS,
                "limit": ZALO_MAX_CHARACTERS,
            }
        )
    return reasons
