"""The scorecard says when the unit is recognised as meeting the set (issue 16), with the
decision, and when that recognition was revoked."""

from __future__ import annotations

import datetime as dt

from langso.accounts.testing import client_for
from langso.criteria.testing import recognition_make
from langso.registry.testing import RegistryTree, RegistryUsers

SET = "xa_ntm_2026_2030"


def test_the_scorecard_shows_the_recognition_and_its_revocation(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    recognition = recognition_make(
        unit=tree.a,
        year=2026,
    )
    client = client_for(users.officer_a)
    url = f"/tieu-chi/don-vi/{tree.a.code}/?set={SET}&year=2026"
    html = client.get(url).content.decode()
    assert "Đã được công nhận đạt chuẩn Bộ tiêu chí" in html
    assert "năm 2026 (Quyết định số 123/QĐ-UBND, ngày 20/12/2026)" in html
    recognition.revoked_on = dt.date(2027, 3, 2)
    recognition.revocation_number = "45/QĐ-UBND"
    recognition.save()
    html = client.get(url).content.decode()
    assert "Đã bị thu hồi công nhận đạt chuẩn" in html
    assert "thu hồi theo Quyết định số 45/QĐ-UBND, ngày 02/03/2027" in html
    other = client_for(users.officer_b).get(f"/tieu-chi/don-vi/{tree.b.code}/?set={SET}")
    assert "công nhận đạt chuẩn" not in other.content.decode()
