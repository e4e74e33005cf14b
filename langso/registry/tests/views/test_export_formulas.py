"""The registry exports never hand a spreadsheet a formula: a stored text that starts
with = + - @ (or a tab or carriage return) comes out with an apostrophe, in CSV and in
XLSX, where it is a string cell; counts stay numbers; and the file imports again
unchanged, the apostrophe taken away."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from langso.accounts.models import User
from langso.accounts.testing import client_for
from langso.core.testing import FORMULAS, csv_table, xlsx_cells, xlsx_formulas
from langso.registry.models import Household
from langso.registry.services.imports import household_import_rows, registry_import_rows
from langso.registry.testing import RegistryTree, RegistryUsers, read, row, transfer

# Texts an officer may type into a name; the first four survive the import's spacing.
SIGNED = FORMULAS[:4]
PHONE = "+84912345678"


def _export(user: User, registry: str, **params: str) -> bytes:
    response: Any = client_for(user).get(reverse("registry:export", args=[registry]), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def households(tree: RegistryTree, users: RegistryUsers) -> list[Household]:
    """One household per dangerous first character, the name as stored (a tab or a
    carriage return can only come by another way than the import, which trims them)."""
    household_import_rows(
        actor=users.officer_a,
        rows=[
            row(village=tree.a1.code, house_number=str(n), head_phone=PHONE, members="3")
            for n in range(len(FORMULAS))
        ],
    )
    stored = list(Household.objects.order_by("house_number"))
    for household, text in zip(stored, FORMULAS, strict=True):
        Household.objects.filter(pk=household.pk).update(head_name=text)
    return stored


def _by_header(
    header: list[Any], lines: list[list[Any]], field: str, registry: str = "household"
) -> list[Any]:
    index = header.index(transfer(registry).headers[field])
    return [line[index] for line in lines]


def test_the_csv_export_neutralises_names_and_keeps_counts_numbers(
    users: RegistryUsers, households: list[Household]
) -> None:
    header, *lines = csv_table(_export(users.officer_a, "household"))
    assert sorted(_by_header(header, lines, "head_name")) == sorted("'" + t for t in FORMULAS)
    assert set(_by_header(header, lines, "head_phone")) == {"'" + PHONE}
    assert set(_by_header(header, lines, "members")) == {"3"}


def test_the_xlsx_export_writes_names_as_strings_and_counts_as_numbers(
    users: RegistryUsers, households: list[Household]
) -> None:
    content = _export(users.officer_a, "household", format="xlsx")
    assert xlsx_formulas(content) == []
    header, *rows = xlsx_cells(content)
    labels = [c.value for c in header]
    names = _by_header(labels, rows, "head_name")
    expected = sorted("'" + t.replace("\r", "\n") for t in FORMULAS)  # XML reads CR as LF
    assert sorted(c.value for c in names) == expected
    assert {c.data_type for c in names} == {"s"}
    members = _by_header(labels, rows, "members")
    assert {(c.value, c.data_type) for c in members} == {(3, "n")}


def test_a_hyperlink_typed_as_a_name_is_a_plain_string_in_xlsx(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """A site named with a HYPERLINK formula was written as a live link before."""
    link = FORMULAS[0]
    registry_import_rows(
        actor=users.officer_a,
        registry="tourism-site",
        rows=[row("tourism-site", unit=tree.a.code, name=link, kind="eco", description=link)],
    )
    content = _export(users.officer_a, "tourism-site", format="xlsx")
    assert xlsx_formulas(content) == []
    header, *rows = xlsx_cells(content)
    labels = [c.value for c in header]
    for field in ("name", "description"):
        (cell,) = _by_header(labels, rows, field, registry="tourism-site")
        assert (cell.value, cell.data_type) == ("'" + link, "s")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_neutralised_export_imports_again_unchanged(
    tree: RegistryTree, users: RegistryUsers, kind: str
) -> None:
    """The apostrophe the export adds is taken away on import: nothing changes."""
    household_import_rows(
        actor=users.officer_a,
        rows=[
            row(village=tree.a1.code, house_number=str(n), head_name=text, head_phone=PHONE)
            for n, text in enumerate(SIGNED)
        ],
    )
    content = _export(users.officer_a, "household", format=kind)
    table = read("household", SimpleUploadedFile(f"xuat.{kind}", content))
    report = household_import_rows(actor=users.officer_a, rows=table)
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(SIGNED))
    assert sorted(Household.objects.values_list("head_name", flat=True)) == sorted(SIGNED)
