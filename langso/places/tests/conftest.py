"""A province with two communes and their villages, officers of each, and file builders.

Ninh Bình (37) ─ commune A (37001) ─ villages 37001-01, 37001-02
               └ commune B (37002) ─ villages 37002-01, 37002-02

Roles come from `accounts` (a higher app): only tests import it, never `places` code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pytest

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder, make_user
from langso.core.testing import csv_upload, xlsx_upload
from langso.places.models import AdminUnit, Level
from langso.places.testing import CommunePair

HEADER = ["Mã thôn", "Tên thôn", "Loại", "Vĩ độ", "Kinh độ"]


@dataclass
class Tree(CommunePair):
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
    return Tree.make()


@pytest.fixture
def officer_a(tree: Tree) -> User:
    """Commune officer of commune A: manages A's villages, nothing of B."""
    return make_role_holder(Role.COMMUNE_OFFICER, tree.a, "canbo.xa.a")


@pytest.fixture
def officer_b(tree: Tree) -> User:
    return make_role_holder(Role.COMMUNE_OFFICER, tree.b, "canbo.xa.b")


@pytest.fixture
def province_officer(tree: Tree) -> User:
    return make_role_holder(Role.PROVINCE_OFFICER, tree.province, "canbo.tinh")


@pytest.fixture
def central_admin(db: None) -> User:
    return make_role_holder(Role.CENTRAL_ADMIN, None, "trunguong")


@pytest.fixture
def nobody(db: None) -> User:
    return make_user(username="khongvaitro")


# Files of villages, as an officer's spreadsheet writes them (the village header unless
# another is given).
csv_file = partial(csv_upload, header=HEADER, name="thon.csv")
xlsx_file = partial(xlsx_upload, header=HEADER, name="thon.xlsx")
