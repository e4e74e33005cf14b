"""A sent announcement of commune A to five households of village A1 and three of A2,
on the channels each has, for the tests of reach, the unreached list and its pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from langso.messaging.models import Channel
from langso.places.models import AdminUnit
from langso.registry.models import Household
from langso.registry.testing import RegistryTree, RegistryUsers, make_household

from ..models import Announcement
from ..testing import sent_announcement_make


@dataclass
class ReachWorld:
    announcement: Announcement
    # A1: SMS and e-mail; SMS only; no channel; every delivery failed (SMS); in-app.
    two_channels: Household
    sms_only: Household
    no_channel: Household
    all_failed: Household
    inapp: Household
    # A2: SMS; no channel; in-app.
    a2_sms: Household
    a2_no_channel: Household
    a2_inapp: Household

    @classmethod
    def make(cls, tree: RegistryTree, users: RegistryUsers) -> ReachWorld:
        def household(village: AdminUnit, number: str, name: str) -> Household:
            return make_household(village=village, house_number=number, head_name=name)

        a1 = [
            household(tree.a1, "12", "Nguyễn Văn An"),
            household(tree.a1, "14", "Trần Thị Bình"),
            household(tree.a1, "3", "Lê Văn Cường"),
            household(tree.a1, "7", "Phạm Thị Dung"),
            household(tree.a1, "9", "Hoàng Văn Em"),
        ]
        a2 = [
            household(tree.a2, "1", "Vũ Văn Giang"),
            household(tree.a2, "2", "Đặng Thị Hoa"),
            household(tree.a2, "5", "Bùi Văn Khánh"),
        ]
        announcement = sent_announcement_make(
            unit=tree.a,
            sender=users.officer_a,
            households={
                a1[0]: [Channel.EMAIL, Channel.SMS],
                a1[1]: [Channel.SMS],
                a1[2]: [],
                a1[3]: [Channel.SMS],
                a1[4]: [Channel.INAPP],
                a2[0]: [Channel.SMS],
                a2[1]: [],
                a2[2]: [Channel.INAPP],
            },
            failed=[a1[3]],
        )
        return cls(announcement, *a1, *a2)


def query_counts(client: Client, urls: Sequence[str]) -> list[int]:
    """The queries each of `urls` reads (each must answer 200), for query budgets."""
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    return counts
