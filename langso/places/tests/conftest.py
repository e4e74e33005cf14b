"""A province with two communes and their villages, officers of each, and file builders.

Ninh Bình (37) ─ commune A (37001) ─ villages 37001-01, 37001-02
               └ commune B (37002) ─ villages 37002-01, 37002-02

Roles come from `accounts` (a higher app): only tests import it, never `places` code.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.models import AdminUnit, Level
from langso.places.testing import UnitTree, make_unit_tree

HEADER = ["Mã thôn", "Tên thôn", "Loại", "Vĩ độ", "Kinh độ"]


@dataclass
class Tree:
    ninh_binh: UnitTree

    @property
    def province(self) -> AdminUnit:
        return self.ninh_binh.province

    @property
    def a(self) -> AdminUnit:
        return self.ninh_binh.communes[0]

    @property
    def b(self) -> AdminUnit:
        return self.ninh_binh.communes[1]

    def villages(self, commune: AdminUnit) -> list[AdminUnit]:
        """The commune's current villages as stored now, by code."""
        return list(
            AdminUnit.objects.current()
            .filter(level=Level.VILLAGE, commune=commune)
            .order_by("code")
        )

    def snapshot(self) -> list[tuple[object, ...]]:
        """Every village row as stored, to assert that nothing was written."""
        return list(
            AdminUnit.objects.filter(level=Level.VILLAGE)
            .order_by("pk")
            .values_list("pk", "code", "name", "short_name", "kind", "centroid", "updated_at")
        )


@pytest.fixture
def tree(db: None) -> Tree:
    return Tree(ninh_binh=make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình"))


def _holder(role: str, unit: AdminUnit | None, username: str) -> User:
    user = make_user(username=username)
    make_role(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def officer_a(tree: Tree) -> User:
    """Commune officer of commune A: manages A's villages, nothing of B."""
    return _holder(Role.COMMUNE_OFFICER, tree.a, "canbo.xa.a")


@pytest.fixture
def officer_b(tree: Tree) -> User:
    return _holder(Role.COMMUNE_OFFICER, tree.b, "canbo.xa.b")


@pytest.fixture
def province_officer(tree: Tree) -> User:
    return _holder(Role.PROVINCE_OFFICER, tree.province, "canbo.tinh")


@pytest.fixture
def central_admin(db: None) -> User:
    return _holder(Role.CENTRAL_ADMIN, None, "trunguong")


@pytest.fixture
def nobody(db: None) -> User:
    return make_user(username="khongvaitro")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_file(
    rows: Sequence[Sequence[str]],
    *,
    header: Sequence[str] = HEADER,
    delimiter: str = ",",
    bom: bool = False,
    name: str = "thon.csv",
) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data, "text/csv")


def xlsx_file(
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = HEADER,
    name: str = "thon.xlsx",
) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(
        name,
        out.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
