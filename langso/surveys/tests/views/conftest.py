"""A published test form (a text, an integer and an image question) with its image."""

from __future__ import annotations

import pytest

from langso.places.testing import UnitTree
from langso.surveys.models import FormVersion
from langso.surveys.services.forms import form_attachment_upload, form_publish
from langso.surveys.testing import FormUsers

from ..forms_testing import markdown_form


@pytest.fixture
def published(tree: UnitTree, users: FormUsers) -> FormVersion:
    version = form_publish(
        actor=users.officer_a, name="f.md", data=markdown_form(), unit=tree.communes[0]
    )
    form_attachment_upload(
        actor=users.officer_a, attachment=version.attachments.get(), name="nha.png", data=b"PNG"
    )
    return version
