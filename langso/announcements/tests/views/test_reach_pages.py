"""The reach table and the unreached list: each reader sees the villages within their
scope, an outsider gets the 404 of a missing announcement, the list holds exactly the
households with no channel or with every delivery failed, the village head marks one
reached in person from it, and the PDF prints it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from langso.accounts.testing import client_for
from langso.core.testing import assert_refused_as_missing, pdf_text
from langso.messaging.models import Channel, ReceiptEvent
from langso.messaging.services.outbox import receipt_record
from langso.registry.testing import RegistryTree, RegistryUsers, make_household

from ...models import Recipient
from ...testing import announcement_message, sent_announcement_make
from ..reach_world import ReachWorld, query_counts


@pytest.fixture
def world(tree: RegistryTree, users: RegistryUsers) -> ReachWorld:
    return ReachWorld.make(tree, users)


def _unreached_url(world: ReachWorld, code: str, route: str = "announcements:unreached") -> str:
    return f"{reverse(route, args=[world.announcement.pk])}?thon={code}"


def test_the_reach_table_counts_per_village(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Commune A's officer sees both villages and the total: one of five reached in A1
    after an SMS is delivered, none of three in A2, with no channel and failed."""
    message = announcement_message(world.announcement, world.sms_only, Channel.SMS)
    receipt_record(message=message, event=ReceiptEvent.DELIVERED)
    response = client_for(users.officer_a).get(
        reverse("announcements:reach", args=[world.announcement.pk])
    )
    assert response.status_code == 200
    reach = response.context["reach"]
    assert reach.whole
    assert [(r.code, r.counts.households, r.counts.reached) for r in reach.villages] == [
        (tree.a1.code, 5, 1),
        (tree.a2.code, 3, 0),
    ]
    assert (reach.total.households, reach.total.reached, reach.total.share) == (8, 1, 12.5)
    a1 = reach.villages[0].counts
    assert (a1.no_channel, a1.failed) == (1, 1)
    page = response.content.decode()
    assert "20,0%" in page or "20.0%" in page
    assert "sms" not in page


def test_the_village_head_sees_the_own_village_only(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    """The commune's announcement is within the village head's reach, for A1 alone."""
    response = client_for(users.village_head_a1).get(
        reverse("announcements:reach", args=[world.announcement.pk])
    )
    reach = response.context["reach"]
    assert not reach.whole
    assert [r.code for r in reach.villages] == [tree.a1.code]
    assert reach.total.households == 5
    assert "Chỉ hiện các thôn trong phạm vi của bạn." in response.content.decode()


@pytest.mark.parametrize(
    "route", ["announcements:reach", "announcements:unreached", "announcements:unreached-pdf"]
)
def test_outsiders_get_the_404_of_a_missing_announcement(
    world: ReachWorld, users: RegistryUsers, route: str
) -> None:
    """Anonymous readers are sent to sign in; commune B's officer and a user with no
    role get the very 404 of an announcement that does not exist."""
    assert_refused_as_missing(route=route, pk=world.announcement.pk, outsider=users.officer_b)
    assert_refused_as_missing(route=route, pk=world.announcement.pk, outsider=users.nobody)


def test_the_unreached_list_holds_exactly_no_channel_and_all_failed(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    """A1's list: the household with no channel and the one whose every delivery failed;
    not those whose messages are pending or were delivered. A2's: its own."""
    client = client_for(users.village_head_a1)
    response = client.get(_unreached_url(world, tree.a1.code))
    assert response.status_code == 200
    listed = [row.recipient.household for row in response.context["households"]]
    assert listed == [world.no_channel, world.all_failed]
    page = response.content.decode()
    assert "Lê Văn Cường" in page
    assert "Không có kênh liên lạc" in page
    assert "Gửi không đến (Tin nhắn SMS)" in page
    assert "Nguyễn Văn An" not in page
    officer = client_for(users.officer_a).get(_unreached_url(world, tree.a2.code))
    assert [r.recipient.household for r in officer.context["households"]] == [world.a2_no_channel]


def test_the_village_head_marks_a_household_reached_in_person(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    """The button takes the household off the list and counts it reached."""
    client = client_for(users.village_head_a1)
    recipient = Recipient.objects.get(announcement=world.announcement, household=world.no_channel)
    response = client.post(
        reverse("announcements:reached-in-person", args=[world.announcement.pk, recipient.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == _unreached_url(world, tree.a1.code)
    page = client.get(response["Location"])
    assert [r.recipient.household for r in page.context["households"]] == [world.all_failed]
    assert "Đã ghi nhận hộ Lê Văn Cường được báo tận nhà." in page.content.decode()
    again = client.post(
        reverse("announcements:reached-in-person", args=[world.announcement.pk, recipient.pk]),
        follow=True,
    )
    assert "Hộ này đã được tiếp cận lúc" in again.content.decode()
    reach = client.get(reverse("announcements:reach", args=[world.announcement.pk])).context
    assert reach["reach"].total.reached == 1


def test_who_may_not_mark_sees_no_button_and_is_refused(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    """A digital team's member reads the list without the button; posting is the 404 of
    a missing household; the village head of A1 cannot open A2's list."""
    member = client_for(users.digital_team_a)
    page = member.get(_unreached_url(world, tree.a1.code))
    assert page.status_code == 200
    assert "Đã báo tận nhà" not in page.content.decode()
    recipient = Recipient.objects.get(announcement=world.announcement, household=world.no_channel)
    url = reverse("announcements:reached-in-person", args=[world.announcement.pk, recipient.pk])
    assert member.post(url).status_code == 404
    assert client_for(users.officer_b).post(url).status_code == 404
    assert Recipient.objects.get(pk=recipient.pk).reached_at is None
    head = client_for(users.village_head_a1)
    assert head.get(_unreached_url(world, tree.a2.code)).status_code == 404
    assert head.get(_unreached_url(world, tree.b1.code)).status_code == 404


def test_the_unreached_list_prints_as_a_pdf(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    """The PDF names the village, the households and their address codes."""
    response = client_for(users.village_head_a1).get(
        _unreached_url(world, tree.a1.code, "announcements:unreached-pdf")
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert tree.a1.name in text
    assert "Lê Văn Cường" in text
    assert world.all_failed.address_code in text
    assert "Nguyễn Văn An" not in text


def test_without_a_village_the_list_leads_to_the_reach_table(
    world: ReachWorld, users: RegistryUsers
) -> None:
    response = client_for(users.officer_a).get(
        reverse("announcements:unreached", args=[world.announcement.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("announcements:reach", args=[world.announcement.pk])


def test_the_pages_cost_the_same_queries_with_more_villages_and_households(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    """The reach table and the unreached list read a fixed number of queries however
    many villages and households the announcement reached."""
    client = client_for(users.province_officer)

    def cost(pk: int) -> list[int]:
        return query_counts(
            client,
            [
                reverse("announcements:reach", args=[pk]),
                f"{reverse('announcements:unreached', args=[pk])}?thon={tree.a1.code}",
            ],
        )

    budget = cost(world.announcement.pk)
    many = {
        make_household(village=village, house_number=str(n)): ([] if n % 2 else [Channel.SMS])
        for village in (tree.a1, tree.a2, tree.b1, tree.b2)
        for n in range(6)
    }
    bigger = sent_announcement_make(
        unit=tree.province, sender=users.province_officer, households=many
    )
    assert cost(bigger.pk) == budget


def test_the_pages_speak_english_when_chosen(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    """With English chosen, the reach table and the unreached list are in English."""
    client = client_for(users.officer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    reach = client.get(reverse("announcements:reach", args=[world.announcement.pk]))
    page = reach.content.decode()
    assert "By village" in page
    assert "Theo thôn" not in page
    unreached = client.get(_unreached_url(world, tree.a1.code)).content.decode()
    assert "Households not reached" in unreached
    assert "No channel to reach it" in unreached
