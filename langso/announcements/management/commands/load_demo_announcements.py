"""The demo's announcements, in the demo commune (demo.xa's) of the demo province, first
village by name, written through the services as an officer would:

- household contacts with consent: every fifth household left without any channel (the
  unreached list), two in five given a head phone and its consent to announcements and
  warnings, one in five an e-mail address, one in five the platform's in-app feed;
- a self-management group (tổ tự quản) of the village's first ten households;
- one announcement sent to the village on SMS, e-mail and in-app: its in-app messages
  are delivered here (a delivery receipt each), its first household without a channel
  is marked reached in person by the commune officer; its SMS and e-mails go when the
  messaging worker runs (`scripts/serve.sh`), the SMS through Kannel's fake SMSC, whose
  delivery reports then move the reach table;
- one draft.

The registry's synthetic households have no phone on purpose (a made-up number may be a
real person's): the demo gives them numbers of the 0900 000 xxx series, which only the
demo's fake SMSC ever receives, and refuses to run without DEBUG unless `--force`. Run
after load_demo and synth; an announcement, group, contact or phone already there is
left as it is: rerunning adds nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from langso.accounts.models import User
from langso.accounts.roles import Permission
from langso.accounts.selectors import scope_unit, user_get_by_username
from langso.messaging.models import Channel, Purpose
from langso.messaging.services.contacts import contact_upsert
from langso.messaging.services.outbox import outbox_dispatch
from langso.places.models import AdminUnit, Level
from langso.registry.models import Household
from langso.registry.services.households import household_update

from ...models import Announcement, Category, HouseholdGroup, Recipient
from ...selectors.announcements import village_consenting, village_households, villages_of
from ...selectors.audience import HOLDER_KIND, Audience
from ...services.compose import announcement_compose
from ...services.consent import village_consents_set
from ...services.groups import household_group_add, household_group_create
from ...services.reach import recipient_mark_reached_in_person
from ...services.send import announcement_send

GROUP = "Tổ tự quản số 1 (demo)"
GROUP_SIZE = 10
SENT_TITLE = "Họp thôn bàn kế hoạch nông thôn mới (demo)"
SENT_BODY = (
    "Mời đại diện các hộ dự họp lúc 19 giờ thứ Bảy tại nhà văn hóa thôn để bàn kế hoạch "
    "xây dựng nông thôn mới năm nay."
)
DRAFT_TITLE = "Lịch tiêm chủng mở rộng (demo)"
DRAFT_BODY = "Trạm y tế xã tiêm chủng cho trẻ dưới 5 tuổi từ 7 giờ sáng thứ Hai tuần sau."
SENT_CHANNELS = (Channel.SMS, Channel.EMAIL, Channel.INAPP)


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu thông báo mẫu cho thôn đầu tiên của xã demo: liên hệ và sự đồng ý "
        "của hộ, một tổ tự quản, một thông báo đã gửi và một bản nháp (chạy sau load_demo)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Cho phép chạy khi DEBUG tắt (chỉ trên máy demo, không bao giờ trên máy thật).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's phone numbers are made up: never on a server whose SMS are real.
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG đang tắt: đây có thể là máy thật. Số điện thoại demo là số bịa, "
                "tin nhắn có thể đến người thật; chỉ chạy với --force trên máy demo."
            )
        officer = user_get_by_username(username="demo.xa")
        if officer is None:
            raise CommandError("Chưa có tài khoản demo: chạy manage.py load_demo trước.")
        commune = scope_unit(user=officer, permission=Permission.VIEW_SCOPED)
        if commune is None or commune.level != Level.COMMUNE:
            raise CommandError("Tài khoản demo.xa không giữ vai trò ở một xã.")
        villages = villages_of(unit=commune)
        households = village_households(village=villages[0]) if villages else []
        if not households:
            raise CommandError(
                f"{commune.name} chưa có hộ nào: chạy manage.py synth --size demo trước."
            )
        village = villages[0]
        self._contacts(officer, village, households)
        self._group(officer, village, households)
        sent = self._sent(officer, village)
        draft = self._draft(officer, village)
        reached = Recipient.objects.filter(announcement=sent, reached_at__isnull=False).count()
        self.stdout.write(
            f"{village.name}: {len(households)} hộ; đã gửi #{sent.pk} ({reached} hộ đã nhận), "
            f"bản nháp #{draft.pk}"
        )

    def _contacts(self, officer: User, village: AdminUnit, households: list[Household]) -> None:
        phones: set[int] = set()
        for index, household in enumerate(households):
            kind = index % 5
            if kind in (1, 2):
                if not household.head_phone:
                    household_update(
                        actor=officer,
                        household=household,
                        values={"head_phone": f"0900{index:06d}"},
                    )
                phones.add(household.pk)
            elif kind in (3, 4):
                contact_upsert(
                    channel=Channel.EMAIL if kind == 3 else Channel.INAPP,
                    address=(
                        f"ho-{household.pk}@example.com"
                        if kind == 3
                        else f"household:{household.pk}"
                    ),
                    holder_kind=HOLDER_KIND,
                    holder_id=household.pk,
                    unit=village,
                    purposes=(Purpose.ANNOUNCEMENTS, Purpose.WARNINGS),
                    recorded_by=officer,
                )
        # Added to whoever consents already (from the pages): a rerun withdraws nothing.
        village_consents_set(
            actor=officer, village=village, consenting=village_consenting(village=village) | phones
        )

    def _group(self, officer: User, village: AdminUnit, households: list[Household]) -> None:
        group = HouseholdGroup.objects.filter(village=village, name=GROUP).first()
        if group is None:
            group = household_group_create(actor=officer, village=village, name=GROUP)
        household_group_add(
            actor=officer,
            group=group,
            address_codes=[h.address_code for h in households[:GROUP_SIZE]],
        )

    def _sent(self, officer: User, village: AdminUnit) -> Announcement:
        found = Announcement.objects.filter(unit=village, title=SENT_TITLE).first()
        if found is not None:
            return found
        draft = announcement_compose(
            actor=officer,
            unit=village,
            audience=Audience(units=(village.pk,)),
            title=SENT_TITLE,
            body=SENT_BODY,
            category=Category.MEETING,
            channels=SENT_CHANNELS,
        )
        sent = announcement_send(actor=officer, announcement=draft)
        # In-app messages are delivered as soon as the worker takes them: taken here, so
        # that the reach table shows households reached before any worker has run.
        outbox_dispatch(channel=Channel.INAPP)
        unreached = (
            Recipient.objects.filter(announcement=sent, channel="").order_by("household_id").first()
        )
        if unreached is not None:
            recipient_mark_reached_in_person(actor=officer, recipient=unreached)
        return sent

    def _draft(self, officer: User, village: AdminUnit) -> Announcement:
        found = Announcement.objects.filter(unit=village, title=DRAFT_TITLE).first()
        if found is not None:
            return found
        return announcement_compose(
            actor=officer,
            unit=village,
            audience=Audience(units=(village.pk,)),
            title=DRAFT_TITLE,
            body=DRAFT_BODY,
            category=Category.VACCINATION,
            channels=(Channel.SMS, Channel.INAPP),
        )
