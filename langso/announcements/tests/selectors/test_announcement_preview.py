"""The preview counts households per best channel, those without one, the registry's
phones that are not mobiles, and the SMS cost with and without diacritics."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from langso.messaging.models import Channel
from langso.registry.testing import RegistryTree, RegistryUsers, make_household

from ...selectors.preview import announcement_preview
from ...services.consent import household_contacts_sync
from ...testing import compose, household_reachable


@override_settings(SMS_SEGMENT_COST_VND=400)
def test_counts_per_channel_and_the_sms_cost_both_ways(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_reachable(village=tree.a1, channels=(Channel.ZALO, Channel.SMS))
    household_reachable(village=tree.a1)
    household_reachable(village=tree.a2)
    household_reachable(village=tree.a2, consent=False)
    landline = make_household(village=tree.a2, head_phone="02438251234")
    household_contacts_sync(households=type(landline).objects.filter(pk=landline.pk))
    # 77 characters with the title: two UCS-2 segments; without diacritics, one GSM.
    body = "Mời bà con đến trạm y tế tiêm vắc-xin sởi cho trẻ, sáng thứ Bảy."
    draft = compose(
        actor=users.officer_a,
        unit=tree.a,
        title="Tiêm chủng",
        body=body,
        channels=(Channel.SMS, Channel.ZALO),
    )

    preview = announcement_preview(announcement=draft)

    assert preview.households == 5
    assert preview.by_channel == {Channel.ZALO: 1, Channel.SMS: 2}
    assert preview.no_channel == 2
    assert preview.invalid_phones == 1
    with_marks, without_marks = preview.sms_with_diacritics, preview.sms_without_diacritics
    assert with_marks is not None
    assert without_marks is not None
    assert (with_marks.encoding, with_marks.segments, with_marks.cost_vnd) == ("ucs2", 2, 1600)
    assert (without_marks.encoding, without_marks.segments, without_marks.cost_vnd) == (
        "gsm",
        1,
        800,
    )


def test_the_preview_reads_a_fixed_number_of_queries(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Aggregates, not rows: one household or many, the same queries."""
    household_reachable(village=tree.a1)
    draft = compose(actor=users.officer_a, unit=tree.a)
    with CaptureQueriesContext(connection) as one:
        announcement_preview(announcement=draft)
    for village in (tree.a1, tree.a2):
        for _ in range(5):
            household_reachable(village=village, channels=(Channel.SMS, Channel.EMAIL))
    with CaptureQueriesContext(connection) as many:
        assert announcement_preview(announcement=draft).households == 11
    assert len(many) == len(one), "\n".join(q["sql"] for q in many.captured_queries)
