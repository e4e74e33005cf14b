"""Photos on product and tourism-site pages: upload, move, delete."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from langso.accounts.testing import client_for
from langso.registry.models import Photo, TourismSite
from langso.registry.selectors.economy import photo_list
from langso.registry.specs import TOURISM_SITE
from langso.registry.testing import RegistryTree, RegistryUsers, gps_exif, image_bytes, make_row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def site(tree: RegistryTree) -> TourismSite:
    row = make_row(TOURISM_SITE, unit=tree.a1)
    assert isinstance(row, TourismSite)
    return row


def _upload(client: Client, site: TourismSite, data: bytes, name: str = "a.jpg") -> Any:
    return client.post(
        reverse("registry:tourism-site-photo-add", args=[site.code]),
        {"image": SimpleUploadedFile(name, data, content_type="image/jpeg"), "caption": "Cổng"},
    )


def test_upload_move_and_delete(site: TourismSite, users: RegistryUsers) -> None:
    """An officer uploads two photos (shown on the page), moves the second up, and
    deletes one."""
    client = client_for(users.officer_a)
    for _ in range(2):
        response = _upload(client, site, image_bytes(exif=gps_exif()))
        assert response.status_code == 302
    first, second = photo_list(subject=site)
    detail = client.get(reverse("registry:tourism-site-detail", args=[site.code]))
    photo_url = reverse("registry:tourism-site-photo", args=[site.code, first.pk])
    assert photo_url in detail.content.decode()
    assert client.get(photo_url).getvalue() == first.image.read()
    client.post(reverse("registry:tourism-site-photo-move", args=[site.code, second.pk, "len"]))
    assert [p.pk for p in photo_list(subject=site)] == [second.pk, first.pk]
    client.post(reverse("registry:tourism-site-photo-delete", args=[site.code, first.pk]))
    assert [p.pk for p in photo_list(subject=site)] == [second.pk]


def test_a_bad_file_is_reported_not_stored(site: TourismSite, users: RegistryUsers) -> None:
    client = client_for(users.officer_a)
    response = client.post(
        reverse("registry:tourism-site-photo-add", args=[site.code]),
        {"image": SimpleUploadedFile("a.gif", image_bytes("GIF"), content_type="image/gif")},
        follow=True,
    )
    assert "JPEG hoặc PNG" in response.content.decode()
    assert not Photo.objects.exists()


def test_viewers_and_outsiders_may_not_touch_photos(
    site: TourismSite, users: RegistryUsers
) -> None:
    """A digital-team member of A gets 403 (the site is in view); the officer of B gets
    404 (it is not)."""
    assert _upload(client_for(users.digital_team_a), site, image_bytes()).status_code == 403
    assert _upload(client_for(users.officer_b), site, image_bytes()).status_code == 404
    assert not Photo.objects.exists()


def test_photo_actions_only_take_posts(site: TourismSite, users: RegistryUsers) -> None:
    url = reverse("registry:tourism-site-photo-add", args=[site.code])
    assert client_for(users.officer_a).get(url).status_code == 405


def test_a_photo_is_served_only_to_those_who_may_see_its_site(
    site: TourismSite, users: RegistryUsers
) -> None:
    """Products' and sites' photos are not public yet: the site's commune and province
    see the image; anonymous readers are sent to sign in; another commune's officer
    gets the 404 of a photo that does not exist, as does a photo asked for under
    another site."""
    _upload(client_for(users.officer_a), site, image_bytes(), name="Cổng làng.jpg")
    [photo] = photo_list(subject=site)
    url = reverse("registry:tourism-site-photo", args=[site.code, photo.pk])
    stored = photo.image.read()
    for user in (users.officer_a, users.province_officer):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response.getvalue() == stored
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert client_for(users.officer_b).get(url).status_code == 404
    other = make_row(TOURISM_SITE, unit=site.commune)
    elsewhere = reverse("registry:tourism-site-photo", args=[other.code, photo.pk])
    assert client_for(users.officer_a).get(elsewhere).status_code == 404


def test_photos_are_stored_under_names_no_one_can_guess(
    site: TourismSite, users: RegistryUsers
) -> None:
    """Two uploads of one name get two random names; the uploaded name is kept."""
    client = client_for(users.officer_a)
    for _ in range(2):
        _upload(client, site, image_bytes(), name="Cổng làng.jpg")
    first, second = photo_list(subject=site)
    assert first.image.name != second.image.name
    for photo in (first, second):
        assert re.fullmatch(r"photos/[A-Za-z0-9_-]{22}\.jpg", str(photo.image.name))
        assert photo.name == "Cổng làng.jpg"
