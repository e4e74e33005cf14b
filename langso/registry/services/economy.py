"""Cooperatives (HTX), their and households' products, and the photos of products and
tourism sites."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from langso.core.actors import Actor
from langso.core.db import for_update
from langso.core.errors import DomainError, NotFound
from langso.core.models import AuditEntry
from langso.core.services import audit_record

from ..models import Cooperative, Photo, Placed, Product
from ..specs import COOPERATIVE, PRODUCT, RegistrySpec
from .placed import registry_create, registry_manage_check, registry_update

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 12
# Photos are shown on cheap phones: the long side is brought down to this on upload.
MAX_PHOTO_SIDE = 2048
# Refused before decoding: a small file can declare a huge image (a decompression bomb).
MAX_PHOTO_PIXELS = 50_000_000
_FORMATS = {"JPEG": "jpg", "PNG": "png"}


def cooperative_create(*, actor: Actor, values: Mapping[str, Any]) -> Cooperative:
    """Add a cooperative; the code is generated ("37001-HTX0001") when none is given."""
    return registry_create(spec=COOPERATIVE, actor=actor, values=values)


def cooperative_update(
    *, actor: Actor, cooperative: Cooperative, changes: Mapping[str, Any]
) -> Cooperative:
    return registry_update(spec=COOPERATIVE, actor=actor, instance=cooperative, changes=changes)


def product_create(*, actor: Actor, values: Mapping[str, Any]) -> Product:
    """Add a product of one cooperative or one household (given by code, inside the
    actor's scope); without a unit it is placed where its maker is."""
    return registry_create(spec=PRODUCT, actor=actor, values=values)


def product_update(*, actor: Actor, product: Product, changes: Mapping[str, Any]) -> Product:
    return registry_update(spec=PRODUCT, actor=actor, instance=product, changes=changes)


# ---------------------------------------------------------------------------------------
# Photos. People photograph products and homestays at home: the upload is decoded and
# encoded again so that no EXIF (with its GPS position of the home) is kept.


class PhotoInvalid(DomainError):
    pass


def _photo_subject_check(*, spec: RegistrySpec[Any], actor: Actor, subject: Placed) -> None:
    if not spec.has_photos or not isinstance(subject, spec.model):
        raise DomainError(_("%(what)s không có ảnh.") % {"what": spec.verbose_name})
    registry_manage_check(actor=actor, unit=subject.unit)


def _reencoded(upload: Any) -> tuple[bytes, str]:
    """JPEG or PNG bytes without metadata, upright, at most MAX_PHOTO_SIDE pixels a side."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise PhotoInvalid(
            _("Ảnh lớn hơn %(limit)s MB.") % {"limit": MAX_PHOTO_BYTES // (1024 * 1024)}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in _FORMATS:
                raise PhotoInvalid(_("Chỉ nhận ảnh JPEG hoặc PNG."))
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise PhotoInvalid(_("Ảnh quá nhiều điểm ảnh."))
            source_format = image.format
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
            out = io.BytesIO()
            if source_format == "JPEG":
                upright.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            else:
                upright.save(out, "PNG", optimize=True)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise PhotoInvalid(_("Tệp không phải ảnh JPEG hoặc PNG đọc được.")) from exc
    return out.getvalue(), _FORMATS[source_format]


def _photos_of(subject: Placed) -> Any:
    return Photo.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    )


@transaction.atomic
def photo_add(
    *, spec: RegistrySpec[Any], actor: Actor, subject: Placed, upload: Any, caption: str = ""
) -> Photo:
    """Add a photo at the end of the subject's photos: JPEG or PNG, at most 5 MB, at most
    MAX_PHOTOS per subject, stored under a name of our own."""
    _photo_subject_check(spec=spec, actor=actor, subject=subject)
    photos = _photos_of(subject)
    if photos.count() >= MAX_PHOTOS:
        raise PhotoInvalid(_("Mỗi mục có tối đa %(max)s ảnh.") % {"max": MAX_PHOTOS})
    content, extension = _reencoded(upload)
    last = photos.aggregate(last=Max("position"))["last"]
    photo = Photo(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        caption=caption.strip()[:200],
        name=PurePosixPath(getattr(upload, "name", "") or "").name[:255],
        position=0 if last is None else last + 1,
    )
    photo.image.save(f"anh.{extension}", ContentFile(content), save=False)
    stored = str(photo.image.name)
    # The file is written before its row: a row that cannot be written takes it along.
    try:
        photo.save()
    except Exception:
        photo.image.storage.delete(stored)
        raise
    audit_record(
        actor=actor,
        instance=subject,
        action=AuditEntry.Action.UPDATE,
        before={"photo": None},
        after={"photo": stored},
    )
    return photo


@transaction.atomic
def photo_delete(*, spec: RegistrySpec[Any], actor: Actor, subject: Placed, photo_id: int) -> None:
    """Remove one of the subject's photos; the file goes once the removal is committed."""
    _photo_subject_check(spec=spec, actor=actor, subject=subject)
    photo = _photos_of(subject).filter(pk=photo_id).first()
    if photo is None:
        raise NotFound(_("Không tìm thấy ảnh này."))
    stored, storage = str(photo.image.name), photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    audit_record(
        actor=actor,
        instance=subject,
        action=AuditEntry.Action.UPDATE,
        before={"photo": stored},
        after={"photo": None},
    )


@transaction.atomic
def photo_reorder(
    *, spec: RegistrySpec[Any], actor: Actor, subject: Placed, order: Sequence[int]
) -> None:
    """Put the subject's photos in `order`, which names each of them exactly once."""
    _photo_subject_check(spec=spec, actor=actor, subject=subject)
    photos = list(for_update(_photos_of(subject)).order_by("position", "pk"))
    current = [photo.pk for photo in photos]
    if sorted(order) != sorted(current) or len(set(order)) != len(order):
        raise PhotoInvalid(_("Thứ tự ảnh phải nêu mỗi ảnh của mục này đúng một lần."))
    if list(order) == current:
        return
    position = {photo_id: index for index, photo_id in enumerate(order)}
    for photo in photos:
        photo.position = position[photo.pk]
    Photo.objects.bulk_update(photos, ["position"])
    audit_record(
        actor=actor,
        instance=subject,
        action=AuditEntry.Action.UPDATE,
        before={"photo_order": current},
        after={"photo_order": list(order)},
    )
