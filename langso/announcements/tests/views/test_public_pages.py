"""A village's public announcements and its RSS and Atom feeds: the sent announcements
addressed to the village or a unit above it, newest first, what is public of them only
(title, body, category, date), small, without JavaScript, cacheable."""

from __future__ import annotations

import datetime as dt

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from langso.messaging.models import Channel
from langso.registry.testing import RegistryTree, RegistryUsers, make_household

from ...models import Announcement, AnnouncementStatus, Category
from ...testing import sent_announcement_make
from ..reach_world import query_counts

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def announcements(tree: RegistryTree, users: RegistryUsers) -> dict[str, Announcement]:
    """Commune A's meeting (yesterday) and the province's typhoon warning (today), both to
    A1; a notice to a self-management group of A1; commune B's notice; a draft of A."""
    head = make_household(village=tree.a1, head_name="Nguyễn Văn Riêng", house_number="8")
    other = make_household(village=tree.b1)
    now = timezone.now()
    meeting = sent_announcement_make(
        unit=tree.a,
        sender=users.officer_a,
        households={head: [Channel.SMS]},
        sent_at=now - dt.timedelta(days=1),
        body="Họp lúc 19h.\nMang theo <sổ hộ khẩu> & bút.",
    )
    warning = sent_announcement_make(
        unit=tree.province,
        sender=users.province_officer,
        households={head: [Channel.SMS]},
        title="Cảnh báo bão số 3",
        body="Chằng chống nhà cửa trước 18h.",
        category=Category.DISASTER,
    )
    group = sent_announcement_make(
        unit=tree.a, sender=users.officer_a, households={head: []}, title="Riêng tổ 2"
    )
    group.audience = {"groups": [1]}
    group.save(update_fields=["audience"])
    elsewhere = sent_announcement_make(
        unit=tree.b, sender=users.officer_b, households={other: []}, title="Xã B họp"
    )
    draft = Announcement.objects.create(
        unit=tree.a,
        title="Bản nháp",
        body="…",
        category=Category.NOTICE,
        audience={"units": [tree.a.pk]},
        created_by=users.officer_a,
        status=AnnouncementStatus.DRAFT,
    )
    return {
        "meeting": meeting,
        "warning": warning,
        "group": group,
        "elsewhere": elsewhere,
        "draft": draft,
    }


def test_the_village_page_lists_what_is_addressed_to_it(
    announcements: dict[str, Announcement], tree: RegistryTree
) -> None:
    """Anyone, signed in or not, reads A1's page: the warning then the meeting, with
    category and date; no group notice, other commune's notice or draft; no name of a
    recipient, no script, and caches may keep it a few minutes."""
    response = Client().get(reverse("village_announcements:list", args=[tree.a1.code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Cảnh báo bão số 3") < page.index("Họp thôn về xây dựng nông thôn mới")
    assert "Cảnh báo thiên tai" in page
    assert timezone.localtime(announcements["warning"].sent_at).strftime("%d/%m/%Y") in page
    assert "&lt;sổ hộ khẩu&gt; &amp; bút" in page
    for absent in ("Riêng tổ 2", "Xã B họp", "Bản nháp", "Nguyễn Văn Riêng", "<script"):
        assert absent not in page
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert len(response.content) < 8000


@pytest.mark.parametrize("route", ["list", "rss", "atom"])
def test_a_page_of_no_village_is_missing(tree: RegistryTree, route: str) -> None:
    """A commune's code or an unknown one has no village page or feed."""
    for code in (tree.a.code, "khong-co"):
        url = reverse(f"village_announcements:{route}", args=[code])
        assert Client().get(url).status_code == 404


def test_the_rss_feed_gives_the_same_announcements(
    announcements: dict[str, Announcement], tree: RegistryTree
) -> None:
    """RSS 2.0: the page's announcements, newest first, with category, the body as
    escaped HTML and a link to it on the page; no recipient."""
    response = Client().get(reverse("village_announcements:rss", args=[tree.a1.code]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [
        "Cảnh báo bão số 3",
        "Họp thôn về xây dựng nông thôn mới",
    ]
    assert items[0].findtext("category") == "Cảnh báo thiên tai"
    assert items[1].findtext("description") == (
        "<p>Họp lúc 19h.<br>Mang theo &lt;sổ hộ khẩu&gt; &amp; bút.</p>"
    )
    link = items[0].findtext("link") or ""
    assert link.endswith(
        f"{reverse('village_announcements:list', args=[tree.a1.code])}"
        f"#thong-bao-{announcements['warning'].pk}"
    )
    assert "Nguyễn Văn Riêng".encode() not in response.content


def test_the_atom_feed_gives_the_same_announcements(
    announcements: dict[str, Announcement], tree: RegistryTree
) -> None:
    """Atom: the same entries, cacheable; another village's feed holds its own."""
    response = Client().get(reverse("village_announcements:atom", args=[tree.a1.code]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Cảnh báo bão số 3", "Họp thôn về xây dựng nông thôn mới"]
    assert "public" in response["Cache-Control"]
    other = Client().get(reverse("village_announcements:atom", args=[tree.b1.code]))
    titles_b = [
        e.findtext(f"{ATOM}title")
        for e in ElementTree.fromstring(other.content).findall(f"{ATOM}entry")
    ]
    assert titles_b == ["Xã B họp"]


def test_the_page_and_feeds_cost_the_same_queries_with_more_announcements(
    announcements: dict[str, Announcement], tree: RegistryTree, users: RegistryUsers
) -> None:
    """The village page and its feeds read a fixed number of queries however many
    announcements reached the village."""
    urls = [
        reverse(f"village_announcements:{name}", args=[tree.a1.code])
        for name in ("list", "rss", "atom")
    ]

    def cost() -> list[int]:
        return query_counts(Client(), urls)

    budget = cost()
    household = make_household(village=tree.a1)
    for number in range(5):
        sent_announcement_make(
            unit=tree.a1,
            sender=users.village_head_a1,
            households={household: [Channel.INAPP]},
            title=f"Thông báo số {number}",
        )
    assert cost() == budget
