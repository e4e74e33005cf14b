"""The officers' pages: compose, preview, send and the detail, each only within scope;
a group and the households' consent kept by the village's officers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from langso.accounts.testing import client_for
from langso.messaging.models import Channel, Consent, Contact, Message
from langso.registry.testing import RegistryTree, RegistryUsers, make_household

from ...models import Announcement, AnnouncementStatus, HouseholdGroup, Recipient
from ...testing import compose, household_reachable


def _compose_data(tree: RegistryTree, **values: object) -> dict[str, object]:
    return {
        "title": "Họp thôn",
        "body": "Mời các hộ dự họp lúc 19 giờ tại nhà văn hóa.",
        "category": "meeting",
        "units": [str(tree.a1.pk)],
        "channels": [Channel.SMS],
        "households": "",
        **values,
    }


def test_an_officer_composes_previews_and_sends_from_the_communes_pages(
    tree: RegistryTree, users: RegistryUsers, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    household_reachable(village=tree.a1)
    household_reachable(village=tree.a1, consent=False)
    officer = client_for(users.officer_a)
    listed = officer.get(reverse("announcements:list") + f"?unit={tree.a.code}").content.decode()
    assert reverse("announcements:compose", args=[tree.a.code]) in listed
    for village in (tree.a1, tree.a2):
        assert reverse("announcements:groups", args=[village.code]) in listed
        assert reverse("announcements:consent", args=[village.code]) in listed

    response = officer.post(
        reverse("announcements:compose", args=[tree.a.code]),
        _compose_data(tree, attachment=SimpleUploadedFile("lich-hop.pdf", b"%PDF-1.4\n%%EOF\n")),
    )
    draft = Announcement.objects.get()
    assert response["Location"] == reverse("announcements:preview", args=[draft.pk])
    preview = officer.get(response["Location"]).content.decode()
    assert 'id="preview-households">2<' in preview
    assert "Gửi qua Tin nhắn SMS" in preview
    assert "Gửi qua sms" not in preview

    unconfirmed = officer.post(reverse("announcements:send", args=[draft.pk]))
    assert unconfirmed.status_code == 302
    assert not Recipient.objects.exists()

    sent = officer.post(reverse("announcements:send", args=[draft.pk]), {"confirm": "on"})
    assert sent["Location"] == reverse("announcements:detail", args=[draft.pk])
    detail = officer.get(sent["Location"]).content.decode()
    assert "Đã gửi thông báo đến 2 hộ." in detail
    assert Recipient.objects.count() == 2
    assert Message.objects.count() == 1
    attachment = draft.attachments.get()
    download = officer.get(reverse("announcements:attachment", args=[draft.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n%%EOF\n"  # type: ignore[attr-defined]
    again = officer.post(reverse("announcements:send", args=[draft.pk]), {"confirm": "on"})
    assert "mỗi thông báo chỉ gửi một lần" in officer.get(again["Location"]).content.decode()
    assert Recipient.objects.count() == 2


def test_a_schedule_in_the_past_is_shown_on_the_form_and_nothing_is_saved(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    response = client_for(users.officer_a).post(
        reverse("announcements:compose", args=[tree.a.code]),
        _compose_data(tree, scheduled_for="01/01/2020 08:00"),
    )
    assert response.status_code == 200
    assert "Thời điểm hẹn gửi 01/01/2020 08:00 đã qua." in response.content.decode()
    assert not Announcement.objects.exists()


def test_an_address_code_outside_the_unit_is_named_and_nothing_is_saved(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    outside = make_household(village=tree.b1)
    response = client_for(users.officer_a).post(
        reverse("announcements:compose", args=[tree.a.code]),
        _compose_data(tree, households=outside.address_code),
    )
    assert f"Không có hộ mã {outside.address_code} trong" in response.content.decode()
    assert not Announcement.objects.exists()


def test_an_empty_audience_is_refused_at_send_with_a_message(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    draft = compose(actor=users.officer_a, unit=tree.a1)
    officer = client_for(users.officer_a)
    response = officer.post(
        reverse("announcements:send", args=[draft.pk]), {"confirm": "on"}, follow=True
    )
    assert "Không có hộ nào đang ở trong danh sách nhận" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == AnnouncementStatus.DRAFT


ROUTES = ["detail", "edit", "preview"]


@pytest.mark.parametrize("route", ROUTES)
def test_every_page_of_an_announcement_is_missing_outside_scope(
    tree: RegistryTree, users: RegistryUsers, route: str
) -> None:
    """Commune B's officer gets the very 404 of an announcement that does not exist;
    the commune's own officer and the province's open it."""
    draft = compose(actor=users.officer_a, unit=tree.a1)
    url = reverse(f"announcements:{route}", args=[draft.pk])
    assert client_for(users.officer_b).get(url).status_code == 404
    assert client_for(users.officer_a).get(url).status_code == 200
    assert client_for(users.province_officer).get(url).status_code == 200
    assert Client().get(url).status_code == 302


def test_posts_outside_scope_are_missing_and_change_nothing(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_reachable(village=tree.a1)
    draft = compose(actor=users.officer_a, unit=tree.a1)
    outsider = client_for(users.officer_b)
    for route in ("send", "cancel"):
        url = reverse(f"announcements:{route}", args=[draft.pk])
        assert outsider.post(url, {"confirm": "on"}).status_code == 404
    assert not Recipient.objects.exists()
    reader = client_for(users.digital_team_a)
    send = reverse("announcements:send", args=[draft.pk])
    assert reader.post(send, {"confirm": "on"}).status_code == 403
    compose_url = reverse("announcements:compose", args=[tree.a.code])
    assert outsider.get(compose_url).status_code == 404
    assert reader.get(compose_url).status_code == 404


def test_the_attachment_is_missing_for_an_outsider(
    tree: RegistryTree, users: RegistryUsers, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    draft = compose(actor=users.officer_a, unit=tree.a1)
    attachment = draft.attachments.create(
        file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"), name="a.pdf", size=9
    )
    url = reverse("announcements:attachment", args=[draft.pk, attachment.pk])
    assert client_for(users.officer_b).get(url).status_code == 404
    assert client_for(users.village_head_a1).get(url).status_code == 200
    assert Client().get(url).status_code == 302


def test_the_village_head_makes_a_group_and_adds_households_of_the_village(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    member = make_household(village=tree.a1, head_name="Nguyễn Văn An")
    make_household(village=tree.a2)
    head = client_for(users.village_head_a1)
    response = head.post(reverse("announcements:groups", args=[tree.a1.code]), {"name": "Tổ 3"})
    group = HouseholdGroup.objects.get()
    assert response["Location"] == reverse("announcements:group", args=[group.pk])
    page = head.get(response["Location"]).content.decode()
    assert member.address_code in page
    head.post(response["Location"], {"households": [member.address_code]})
    assert list(group.households.all()) == [member]
    other = client_for(users.officer_b)
    assert other.get(reverse("announcements:group", args=[group.pk])).status_code == 404
    refused = other.post(reverse("announcements:groups", args=[tree.a1.code]), {"name": "X"})
    assert refused.status_code == 404


def test_consent_is_ticked_per_household_and_a_landline_is_refused_with_nothing_written(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    mobile = make_household(village=tree.a1, head_phone="0912 345 678")
    landline = make_household(village=tree.a1, head_phone="024 3825 1234")
    officer = client_for(users.officer_a)
    url = reverse("announcements:consent", args=[tree.a1.code])

    refused = officer.post(url, {"consenting": [mobile.pk, landline.pk]}, follow=True)
    assert "số máy bàn" in refused.content.decode()
    assert not Consent.objects.exists()

    officer.post(url, {"consenting": [mobile.pk]})
    contact = Contact.objects.get()
    assert (contact.holder_id, contact.address) == (mobile.pk, "+84912345678")
    assert contact.consents.filter(withdrawn_at__isnull=True).count() == 2

    officer.post(url, {})
    assert not contact.consents.filter(withdrawn_at__isnull=True).exists()
