"""A commune officer's home counts the submissions of its unit waiting for them; each
count links to the submission list filtered to the same unit and state, and the page
holds as many rows as the home counted, even for an officer whose scope is wider than
the home's unit."""

from __future__ import annotations

import re

import pytest

from langso.accounts.roles import Role
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import make_role
from langso.home.selectors import home_roles
from langso.registry.testing import RegistryTree, RegistryUsers, create_household
from langso.surveys.models import EntityState, FormVersion, Submission
from langso.surveys.testing import make_submission

pytestmark = pytest.mark.django_db

# The home's lines: "Chờ duyệt: 2", "Có vấn đề: 1", "Xung đột với dữ liệu hộ: 1".
LINE = re.compile(r'<li><a href="([^"]+)">([^<:]+): (\d+)</a></li>')


def _rows(html: str) -> int:
    return len(re.findall(r'href="/khao-sat/bai/\d+/"', html))


def test_each_count_on_the_home_equals_the_rows_of_the_page_it_opens(
    forms: None, catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    version = FormVersion.objects.order_by("pk").first()
    assert version is not None
    in_a = create_household(actor=users.officer_a, village=tree.a1, members=2, adults=2)
    in_b = create_household(actor=users.officer_b, village=tree.b1, members=2, adults=2)
    received, issues = Submission.State.RECEIVED, Submission.State.HAS_ISSUES
    for n, (household, state, entity_state) in enumerate(
        [
            (in_a, received, ""),
            (in_a, received, ""),
            (None, received, ""),
            (in_a, issues, ""),
            (in_a, Submission.State.APPROVED, EntityState.CONFLICT),
            (in_b, received, ""),
            (in_b, issues, ""),
            (in_b, received, EntityState.CONFLICT),
        ]
    ):
        make_submission(
            version=version,
            key=f"links-{n}",
            household=household,
            place=tree.a2 if household is None else None,
            state=state,
            entity_state=entity_state,
        )
    # The province officer also holds commune A's officer role and opens that home: their
    # scope (the province) holds B's submissions too, the home's unit does not.
    user = users.province_officer
    make_role(user=user, role=Role.COMMUNE_OFFICER, unit=tree.a)
    (role,) = [r for r in home_roles(user=user) if r.role == Role.COMMUNE_OFFICER]
    client = client_for(user)
    home = client.get(f"/trang-cua-toi/vai-tro/{role.key}/").content.decode()
    lines = {label: (url.replace("&amp;", "&"), int(n)) for url, label, n in LINE.findall(home)}
    assert {label: n for label, (_url, n) in lines.items()} == {
        "Chờ duyệt": 3,
        "Có vấn đề": 1,
        "Xung đột với dữ liệu hộ": 1,
    }
    for url, count in lines.values():
        assert f"unit={tree.a.code}" in url
        assert _rows(client.get(url).content.decode()) == count, url
    everything = re.search(r'href="([^"]+)">Tất cả bài khảo sát của xã<', home)
    assert everything
    assert _rows(client.get(everything.group(1).replace("&amp;", "&")).content.decode()) == 5
