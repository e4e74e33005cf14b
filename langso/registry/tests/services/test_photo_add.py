"""photo_add, photo_delete, photo_reorder: photos of products and tourism sites."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from langso.core.errors import AccessDenied, DomainError, NotFound
from langso.core.selectors import audit_history
from langso.registry.models import Photo, Product
from langso.registry.selectors.economy import photo_list
from langso.registry.services.economy import (
    MAX_PHOTO_SIDE,
    MAX_PHOTOS,
    PhotoInvalid,
    photo_add,
    photo_delete,
    photo_reorder,
    product_create,
)
from langso.registry.specs import PRODUCT, WIFI_POINT
from langso.registry.testing import (
    RegistryTree,
    RegistryUsers,
    gps_exif,
    image_bytes,
    make_household,
    make_row,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def product(tree: RegistryTree, users: RegistryUsers) -> Product:
    household = make_household(village=tree.a1)
    return product_create(
        actor=users.officer_a,
        values={"name": "Mắm", "category": "food", "household": household.address_code},
    )


def _upload(data: bytes, name: str = "anh.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_phone_photo_loses_its_gps_position(
    product: Product, users: RegistryUsers, media_root: Path
) -> None:
    """A JPEG with EXIF GPS is stored re-encoded, with no EXIF at all, under a name of our
    own; the product's history records the photo."""
    data = image_bytes("JPEG", exif=gps_exif())
    assert Image.open(_upload(data)).getexif().get_ifd(0x8825)
    photo = photo_add(
        spec=PRODUCT, actor=users.officer_a, subject=product, upload=_upload(data, "nha-toi.jpg")
    )
    stored = media_root / str(photo.image.name)
    assert stored.exists()
    assert "nha-toi" not in str(photo.image.name)
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info
    entry = audit_history(instance=product).first()
    assert entry is not None
    assert entry.changes == {"photo": [None, photo.image.name]}


def test_png_is_kept_png_and_big_photos_are_brought_down(
    product: Product, users: RegistryUsers, media_root: Path
) -> None:
    photo = photo_add(
        spec=PRODUCT,
        actor=users.officer_a,
        subject=product,
        upload=_upload(image_bytes("PNG", size=(3000, 1500)), "a.png"),
    )
    with Image.open(media_root / str(photo.image.name)) as image:
        assert image.format == "PNG"
        assert image.size == (MAX_PHOTO_SIDE, MAX_PHOTO_SIDE // 2)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (image_bytes("GIF"), "JPEG hoặc PNG"),
        (b"not an image at all", "JPEG hoặc PNG"),
        (image_bytes("JPEG")[:200], "JPEG hoặc PNG"),
        (b"\xff" * (5 * 1024 * 1024 + 1), "5 MB"),
    ],
    ids=["gif", "text", "truncated", "too-big"],
)
def test_bad_files_are_refused(
    data: bytes, reason: str, product: Product, users: RegistryUsers, media_root: Path
) -> None:
    """GIFs, non-images, truncated JPEGs and files over 5 MB are refused; nothing is
    stored."""
    with pytest.raises(PhotoInvalid) as refused:
        photo_add(spec=PRODUCT, actor=users.officer_a, subject=product, upload=_upload(data))
    assert reason in refused.value.message
    assert not Photo.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*"))


def test_no_more_than_the_maximum(product: Product, users: RegistryUsers) -> None:
    for _ in range(MAX_PHOTOS):
        photo_add(
            spec=PRODUCT, actor=users.officer_a, subject=product, upload=_upload(image_bytes())
        )
    with pytest.raises(PhotoInvalid):
        photo_add(
            spec=PRODUCT, actor=users.officer_a, subject=product, upload=_upload(image_bytes())
        )


def test_only_managers_add_photos_and_only_where_photos_belong(
    product: Product, users: RegistryUsers, tree: RegistryTree
) -> None:
    for actor in (users.officer_b, users.digital_team_a):
        with pytest.raises(AccessDenied):
            photo_add(spec=PRODUCT, actor=actor, subject=product, upload=_upload(image_bytes()))
    wifi = make_row(WIFI_POINT, unit=tree.a1)
    with pytest.raises(DomainError):
        photo_add(
            spec=WIFI_POINT, actor=users.officer_a, subject=wifi, upload=_upload(image_bytes())
        )


def test_delete_and_reorder(
    product: Product,
    users: RegistryUsers,
    media_root: Path,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:
    """Photos are listed in their order; reordering names every photo once; deleting
    removes the row and, once committed, the file. Each change is audited."""
    first, second, third = (
        photo_add(
            spec=PRODUCT, actor=users.officer_a, subject=product, upload=_upload(image_bytes())
        )
        for _ in range(3)
    )
    assert [p.pk for p in photo_list(subject=product)] == [first.pk, second.pk, third.pk]
    photo_reorder(
        spec=PRODUCT, actor=users.officer_a, subject=product, order=[third.pk, first.pk, second.pk]
    )
    assert [p.pk for p in photo_list(subject=product)] == [third.pk, first.pk, second.pk]
    for bad in (
        [third.pk, first.pk],
        [first.pk, first.pk, second.pk],
        [first.pk, second.pk, third.pk + 100],
    ):
        with pytest.raises(PhotoInvalid):
            photo_reorder(spec=PRODUCT, actor=users.officer_a, subject=product, order=bad)
    stored = media_root / str(first.image.name)
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(spec=PRODUCT, actor=users.officer_a, subject=product, photo_id=first.pk)
    assert not stored.exists()
    assert [p.pk for p in photo_list(subject=product)] == [third.pk, second.pk]
    with pytest.raises(NotFound):
        photo_delete(spec=PRODUCT, actor=users.officer_a, subject=product, photo_id=first.pk)
    changes = [entry.changes for entry in audit_history(instance=product)]
    assert {"photo": [first.image.name, None]} in changes
    assert any("photo_order" in c for c in changes)


def test_outsiders_may_not_delete_or_reorder(product: Product, users: RegistryUsers) -> None:
    photo = photo_add(
        spec=PRODUCT, actor=users.officer_a, subject=product, upload=_upload(image_bytes())
    )
    with pytest.raises(AccessDenied):
        photo_delete(spec=PRODUCT, actor=users.officer_b, subject=product, photo_id=photo.pk)
    with pytest.raises(AccessDenied):
        photo_reorder(spec=PRODUCT, actor=users.officer_b, subject=product, order=[photo.pk])
