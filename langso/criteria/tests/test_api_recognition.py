"""/api/v1/evaluations carries each unit's recognition for the set and year (issue 16):
its decision number and date, and its revocation day; null where none."""

from __future__ import annotations

import csv
import datetime as dt
import io

from langso.accounts.testing import client_for
from langso.criteria.testing import recognition_make
from langso.registry.testing import RegistryTree, RegistryUsers

SET = "xa_ntm_2026_2030"


def test_the_evaluation_carries_the_recognition(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    recognition_make(
        unit=tree.a,
        year=2026,
        revoked_on=dt.date(2027, 3, 2),
    )
    client = client_for(users.province_officer)
    query = {"set": SET, "unit": tree.province.code, "level": "commune", "year": "2026"}
    found = client.get("/api/v1/evaluations", query).json()["evaluations"]
    by_unit = {e["unit"]: e for e in found}
    a, b = by_unit[tree.a.code], by_unit[tree.b.code]
    assert (a["recognition_number"], a["recognition_date"]) == ("123/QĐ-UBND", "2026-12-20")
    assert a["recognition_revoked_on"] == "2027-03-02"
    assert (b["recognition_number"], b["recognition_date"], b["recognition_revoked_on"]) == (
        None,
        None,
        None,
    )
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/api/v1/evaluations", query | {"format": "csv"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert {r["recognition_number"] for r in rows if r["unit"] == tree.a.code} == {"123/QĐ-UBND"}
    assert {r["recognition_date"] for r in rows if r["unit"] == tree.b.code} == {""}
