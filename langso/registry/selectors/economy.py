"""Reads of photos (of products and tourism sites). The subjects themselves are read
through `selectors.placed`, inside the reader's scope; photos are reached only from them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from langso.core.errors import NotFound

from ..models import Photo, Placed
from ..specs import RegistrySpec


def photo_list(*, subject: Placed) -> list[Photo]:
    """The subject's photos in their order."""
    return list(
        Photo.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        ).order_by("position", "pk")
    )


def photo_get(*, subject: Placed, pk: int) -> Photo:
    """One of the subject's photos (the subject read in the reader's scope)."""
    photo = Photo.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk, pk=pk
    ).first()
    if photo is None:
        raise NotFound(_("Không tìm thấy ảnh này."))
    return photo


def photos_by_subject(
    *, spec: RegistrySpec[Any], subjects: Sequence[Placed]
) -> dict[int, list[Photo]]:
    """The photos of many subjects of one registry, in one query, by subject id."""
    photos: dict[int, list[Photo]] = defaultdict(list)
    if not spec.has_photos or not subjects:
        return photos
    rows = Photo.objects.filter(
        content_type=ContentType.objects.get_for_model(spec.model),
        object_id__in=[subject.pk for subject in subjects],
    ).order_by("position", "pk")
    for photo in rows:
        photos[photo.object_id].append(photo)
    return photos
