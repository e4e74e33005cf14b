"""A commune's classification for a year: the province officer sets its region, group
and hardship flags, which are saved and audited and shown on the page; a commune
officer is refused, and a unit outside the reader's scope or not a commune is not
found."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from langso.accounts.testing import client_for
from langso.core.models import AuditEntry
from langso.criteria.models import CommuneClassification
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db


def _url(unit: Any, year: int = 2025) -> str:
    return f"/tieu-chi/don-vi/{unit.code}/phan-loai/?year={year}"


def test_the_province_classifies_a_commune_for_a_year(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    client = client_for(users.province_officer)
    page = client.get(_url(tree.a))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chưa phân loại cho năm 2025" in html
    assert "Trung du miền núi phía Bắc (TDMNPB)" in html
    response = client.post(
        _url(tree.a),
        {"region": "DBSH", "commune_group": "NHOM_2", "extremely_disadvantaged": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == _url(tree.a)
    saved = CommuneClassification.objects.get()
    assert (saved.unit, saved.year, saved.region, saved.commune_group) == (
        tree.a,
        2025,
        "DBSH",
        "NHOM_2",
    )
    assert saved.extremely_disadvantaged
    assert not saved.safe_zone
    assert saved.set_by == users.province_officer
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(CommuneClassification),
        object_id=str(saved.pk),
    )
    assert entry.actor == users.province_officer
    assert entry.action == AuditEntry.Action.CREATE
    shown = client.get(_url(tree.a)).content.decode()
    assert 'id="current-classification"' in shown
    assert "Đồng bằng sông Hồng" in shown
    assert "xã đặc biệt khó khăn" in shown
    # Another year is a separate classification.
    assert "Chưa phân loại cho năm 2026" in client.get(_url(tree.a, 2026)).content.decode()


def test_a_change_is_audited_as_an_update(tree: RegistryTree, users: RegistryUsers) -> None:
    client = client_for(users.province_officer)
    client.post(_url(tree.a), {"region": "DBSH"})
    client.post(_url(tree.a), {"region": "DBSH", "safe_zone": "on"})
    saved = CommuneClassification.objects.get()
    assert saved.safe_zone
    update = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE)
    assert update.changes == {"safe_zone": [False, True]}


def test_an_unknown_region_is_refused_by_the_form(tree: RegistryTree, users: RegistryUsers) -> None:
    response = client_for(users.province_officer).post(_url(tree.a), {"region": "XYZ"})
    assert response.status_code == 200
    assert "XYZ" in response.content.decode()
    assert not CommuneClassification.objects.exists()


def test_only_the_province_classifies(tree: RegistryTree, users: RegistryUsers) -> None:
    officer = client_for(users.officer_a)
    assert officer.get(_url(tree.a)).status_code == 403
    assert officer.post(_url(tree.a), {"region": "DBSH"}).status_code == 403
    assert client_for(users.officer_b).get(_url(tree.a)).status_code == 404
    province = client_for(users.province_officer)
    assert province.get(_url(tree.a1)).status_code == 404
    assert province.get(f"/tieu-chi/don-vi/{tree.a.code}/phan-loai/?year=1800").status_code == 404
    assert not CommuneClassification.objects.exists()
