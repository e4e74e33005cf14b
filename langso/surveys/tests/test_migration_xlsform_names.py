"""Migration 0008 fills the kept XLSForm name of versions uploaded before it from the
stored file's own name, leaves names already kept alone, and can run again."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from langso.places.testing import UnitTree
from langso.surveys.models import FormVersion
from langso.surveys.services.forms import form_publish
from langso.surveys.testing import FormUsers

from .forms_testing import markdown_form

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "langso.surveys.migrations.0008_files_random_names_and_xlsform_name"
)


def test_names_of_old_uploads_come_from_their_paths(tree: UnitTree, users: FormUsers) -> None:
    """An XLSForm stored under its uploaded name gets that name; a kept name stays."""
    old = form_publish(actor=users.central_admin, name="a.md", data=markdown_form(), unit=None)
    kept = form_publish(
        actor=users.central_admin, name="b.md", data=markdown_form(form_id="khac"), unit=None
    )
    FormVersion.objects.filter(pk=old.pk).update(
        xlsform="surveys/forms/7/Khảo sát hộ.xlsx", xlsform_name=""
    )
    fill = migration._names_from_paths("formversion", "xlsform", "xlsform_name")
    fill(apps, None)
    fill(apps, None)
    assert FormVersion.objects.get(pk=old.pk).xlsform_name == "Khảo sát hộ.xlsx"
    assert FormVersion.objects.get(pk=kept.pk).xlsform_name == "b.md"
