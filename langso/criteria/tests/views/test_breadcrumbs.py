"""The breadcrumbs of the evaluation pages lead only where the reader may go (issue 15:
a commune officer's scorecard linked to the province matrix, a 404 for them): the page
above for whoever may read it, else the unit's own public page."""

from __future__ import annotations

import pytest

from langso.accounts.testing import client_for
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.mark.parametrize(
    ("page", "reader", "opens"),
    [
        ("scorecard", "province_officer", True),
        ("scorecard", "officer_a", False),
        ("scorecard", "digital_team_a", False),
        ("checklist", "officer_a", True),
        ("checklist", "village_head_a1", False),
    ],
)
def test_the_unit_above_is_its_evaluation_or_its_page(
    demo_sets: RegistryTree, users: RegistryUsers, page: str, reader: str, opens: bool
) -> None:
    if page == "scorecard":  # commune A's scorecard; above it, the province's matrix
        url = f"/tieu-chi/don-vi/{demo_sets.a.code}/"
        above, evaluation = demo_sets.province.code, "tieu-chi/tinh"
    else:  # village A1's checklist; above it, commune A's scorecard
        url = f"/tieu-chi/thon/{demo_sets.a1.code}/"
        above, evaluation = demo_sets.a.code, "tieu-chi/don-vi"
    html = client_for(users.of(reader)).get(f"{url}?year={YEAR}").content.decode()
    assert (f'href="/{evaluation}/{above}/?year={YEAR}"' in html) is opens
    assert (f'href="/don-vi/{above}/"' in html) is not opens
