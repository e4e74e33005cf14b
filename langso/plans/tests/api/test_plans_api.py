"""/api/v1/plans and /api/v1/plans/{code}/progress: scoped, JSON and CSV with the same
keys."""

from __future__ import annotations

import csv
import io

import pytest

from langso.accounts.testing import client_for
from langso.plans.models import Plan
from langso.registry.testing import RegistryUsers

from ..views.test_plan_pages import plans

pytestmark = pytest.mark.django_db

__all__ = ["plans"]


def test_the_list_is_scoped(plans: dict[str, Plan], users: RegistryUsers) -> None:
    body = client_for(users.officer_a).get("/api/v1/plans").json()
    assert [p["code"] for p in body["results"]] == ["xa-a"]
    assert client_for(users.officer_b).get("/api/v1/plans").json()["count"] == 0
    everyone = client_for(users.central_admin).get("/api/v1/plans").json()
    assert {p["code"] for p in everyone["results"]} == {"tinh", "xa-a", "cao-bang"}


def test_progress_gives_each_target_with_its_status(
    plans: dict[str, Plan], users: RegistryUsers
) -> None:
    response = client_for(users.province_officer).get("/api/v1/plans/tinh/progress")
    assert response.status_code == 200
    body = response.json()
    epayment, unbound = body["targets"]
    assert epayment["value"] == 50.0
    assert epayment["status"] in {"on_track", "at_risk", "off_track"}
    assert epayment["expected"] is not None
    assert epayment["deadline"] == "2027-12-31"
    assert epayment["provenance"].startswith("/api/v1/indicator-values?")
    assert unbound["status"] == "unbound"
    assert unbound["unbound_reason"] == "Cấp huyện không còn từ 01/07/2025."


def test_progress_outside_reach_is_missing(plans: dict[str, Plan], users: RegistryUsers) -> None:
    client = client_for(users.officer_b)
    assert client.get("/api/v1/plans/xa-a/progress").status_code == 404
    assert client.get("/api/v1/plans/khong-co/progress").status_code == 404


def test_the_csv_header_is_the_json_keys(plans: dict[str, Plan], users: RegistryUsers) -> None:
    client = client_for(users.province_officer)
    body = client.get("/api/v1/plans/tinh/progress").json()
    content = client.get("/api/v1/plans/tinh/progress?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == list(body["targets"][0])
    assert len(rows) == 3
    listed = client.get("/api/v1/plans?format=csv").content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(listed)))
    assert header == list(client.get("/api/v1/plans").json()["results"][0])
