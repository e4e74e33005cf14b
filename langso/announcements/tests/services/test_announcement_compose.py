"""Composing: a draft is checked field by field, edited only while a draft, cancelled
only while scheduled; a disaster warning is a warning."""

from __future__ import annotations

import datetime as dt

import pytest

from langso.core.errors import AccessDenied, DomainError, FieldsInvalid
from langso.messaging.models import Channel, Priority
from langso.registry.testing import RegistryTree, RegistryUsers

from ...models import AnnouncementStatus, Category
from ...selectors.audience import Audience
from ...services.compose import announcement_cancel, announcement_compose
from ...services.send import announcement_send
from ...testing import compose, household_reachable

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


def test_every_bad_field_is_named_and_nothing_is_saved(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    with pytest.raises(FieldsInvalid) as refused:
        compose(
            actor=users.officer_a,
            unit=tree.a,
            title=" ",
            body="",
            category="party",
            channels=("fax",),
            scheduled_for=NOW - dt.timedelta(minutes=1),
            now=NOW,
        )
    assert refused.value.errors == {
        "title": "Cần có tiêu đề.",
        "body": "Cần có nội dung.",
        "category": "Loại thông báo không hợp lệ.",
        "channels": "Chọn ít nhất một kênh gửi trong danh sách.",
        "scheduled_for": "Thời điểm hẹn gửi 07/12/2026 08:59 đã qua.",
    }


def test_channels_are_kept_best_first_and_a_disaster_is_a_warning(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    draft = compose(
        actor=users.officer_a,
        unit=tree.a,
        category=Category.DISASTER,
        channels=(Channel.EMAIL, Channel.SMS, Channel.ZALO),
    )
    assert draft.channels == [Channel.ZALO, Channel.SMS, Channel.EMAIL]
    assert draft.priority == Priority.WARNING


def test_a_sent_announcement_is_not_edited_and_only_a_scheduled_one_is_cancelled(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_reachable(village=tree.a1)
    draft = compose(actor=users.officer_a, unit=tree.a1)
    with pytest.raises(DomainError, match="Chỉ hủy được thông báo đang hẹn giờ gửi"):
        announcement_cancel(actor=users.officer_a, announcement=draft)
    announcement_send(actor=users.officer_a, announcement=draft, now=NOW)
    with pytest.raises(DomainError, match="Chỉ sửa được thông báo còn là bản nháp"):
        announcement_compose(
            actor=users.officer_a,
            unit=tree.a1,
            audience=Audience(units=(tree.a1.pk,)),
            title="Sửa",
            body="Sửa",
            category=Category.NOTICE,
            channels=(Channel.SMS,),
            draft=draft,
        )
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Họp thôn", AnnouncementStatus.SENT)


def test_an_officer_outside_the_unit_may_not_compose(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    with pytest.raises(AccessDenied):
        compose(actor=users.officer_b, unit=tree.a)
    with pytest.raises(AccessDenied):
        compose(actor=users.digital_team_a, unit=tree.a)
