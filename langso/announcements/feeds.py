"""RSS and Atom feeds of a village's announcements (Django's syndication framework):
the same announcements as the village's public page, and what is public of them only
(title, body, category, date)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from langso.places.models import AdminUnit

from .selectors.reach import PublicAnnouncement, public_village_get, village_announcements_public


class VillageAnnouncementsRss(Feed):  # type: ignore[type-arg]  # django-stubs' Feed is generic, Django's is not
    def get_object(self, request: HttpRequest, code: str) -> AdminUnit:
        return public_village_get(code=code)

    def title(self, village: AdminUnit) -> str:
        return _("Thông báo của %(village)s") % {"village": village.name}

    def link(self, village: AdminUnit) -> str:
        return reverse("village_announcements:list", args=[village.code])

    def description(self, village: AdminUnit) -> str:
        return _("Thông báo của thôn, xã và tỉnh gửi tới %(village)s.") % {"village": village.name}

    def items(self, village: AdminUnit) -> list[PublicAnnouncement]:
        return village_announcements_public(village=village)

    def item_title(self, item: PublicAnnouncement) -> str:
        return item.title

    def item_description(self, item: PublicAnnouncement) -> str:
        # Readers show the description as HTML: the body is text, escaped first.
        return linebreaks(escape(item.body))

    def item_link(self, item: PublicAnnouncement) -> str:
        page = reverse("village_announcements:list", args=[item.village_code])
        return f"{page}#thong-bao-{item.pk}"

    def item_pubdate(self, item: PublicAnnouncement) -> object:
        return item.sent_at

    def item_categories(self, item: PublicAnnouncement) -> tuple[str, ...]:
        return (item.category,)


class VillageAnnouncementsAtom(VillageAnnouncementsRss):
    feed_type = Atom1Feed

    def subtitle(self, village: AdminUnit) -> str:
        return self.description(village)
