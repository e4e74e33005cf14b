from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from langso.accounts.models import User
from langso.core.errors import AccessDenied, ImportRejected, RowError
from langso.core.models import AuditEntry
from langso.places.models import Kind
from langso.places.services.villages import VillageImportReport, village_import_rows

from ..conftest import Tree

pytestmark = pytest.mark.django_db


def row(code: str, name: str, kind: str = "Thôn", lat: str = "", lon: str = "") -> dict[str, str]:
    return {"code": code, "name": name, "kind": kind, "lat": lat, "lon": lon}


def test_new_rows_create_villages_with_ancestors_and_audit(tree: Tree, officer_a: User) -> None:
    """Rows with new codes create villages under the commune, each audited."""
    report = village_import_rows(
        actor=officer_a,
        commune=tree.a,
        rows=[
            row("10", "Thôn Mười", "thon", "20,25", "105.97"),
            row("t11", "Tổ dân phố 11", "TỔ DÂN PHỐ"),
            row("12", "Xóm Giữa", "Xom"),
        ],
    )
    assert report == VillageImportReport(created=3, updated=0, unchanged=0)
    created = {v.code: v for v in tree.villages(tree.a)}
    assert set(created) == {"37001-01", "37001-02", "37001-10", "37001-T11", "37001-12"}
    ten = created["37001-10"]
    assert (ten.short_name, ten.kind, ten.search_name) == ("Mười", Kind.THON, "thon muoi")
    assert ten.centroid is not None
    assert (ten.centroid.y, ten.centroid.x) == (20.25, 105.97)
    assert (ten.parent_id, ten.commune_id, ten.province_id) == (
        tree.a.pk,
        tree.a.pk,
        tree.province.pk,
    )
    assert created["37001-T11"].kind == Kind.TO_DAN_PHO
    assert created["37001-T11"].short_name == "11"
    assert created["37001-12"].kind == Kind.XOM
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).count() == 3


def test_reimport_updates_by_code_and_never_duplicates(tree: Tree, officer_a: User) -> None:
    """Importing the same codes again updates the changed rows, leaves the others, and
    creates no second village."""
    rows = [row("10", "Thôn Mười"), row("11", "Thôn Mười Một")]
    village_import_rows(actor=officer_a, commune=tree.a, rows=rows)
    count = len(tree.villages(tree.a))
    AuditEntry.objects.all().delete()

    report = village_import_rows(
        actor=officer_a,
        commune=tree.a,
        rows=[row("10", "Thôn Mười"), row("11", "Ấp Mười Một", "ấp", "21", "105")],
    )
    assert report == VillageImportReport(created=0, updated=1, unchanged=1)
    assert len(tree.villages(tree.a)) == count
    eleven = next(v for v in tree.villages(tree.a) if v.code == "37001-11")
    assert (eleven.name, eleven.kind) == ("Ấp Mười Một", Kind.AP)
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["update"]


def test_unchanged_file_writes_nothing(tree: Tree, officer_a: User) -> None:
    """A file equal to what is stored writes no row and no audit entry."""
    rows = [row(v.code.removeprefix("37001-"), v.name) for v in tree.villages(tree.a)]
    before = tree.snapshot()
    with CaptureQueriesContext(connection) as queries:
        report = village_import_rows(actor=officer_a, commune=tree.a, rows=rows)
    assert report == VillageImportReport(created=0, updated=0, unchanged=2)
    assert tree.snapshot() == before
    assert not AuditEntry.objects.exists()
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []


def test_empty_coordinates_keep_a_stored_point(tree: Tree, officer_a: User) -> None:
    """Leaving the coordinates empty does not erase a point set earlier."""
    village_import_rows(
        actor=officer_a, commune=tree.a, rows=[row("10", "Thôn Mười", lat="20.1", lon="106.2")]
    )
    report = village_import_rows(actor=officer_a, commune=tree.a, rows=[row("10", "Thôn Mười")])
    assert report.unchanged == 1
    ten = next(v for v in tree.villages(tree.a) if v.code == "37001-10")
    assert ten.centroid is not None


def test_any_bad_row_refuses_the_file_lists_every_error_and_writes_nothing(
    tree: Tree, officer_a: User
) -> None:
    """A file with bad rows is refused whole: every bad row is listed with its
    spreadsheet number (header is row 1), column and a Vietnamese reason, and the
    villages already stored are exactly as before."""
    before = tree.snapshot()
    existing = tree.villages(tree.a)[0]
    rows = [
        row("10", "Thôn Mười"),  # row 2: good, yet not written
        row("", "Thôn Không Mã"),  # row 3
        row("10", "Thôn Khác"),  # row 4: code repeated
        row("Đ/1", "Thôn Sai Mã"),  # row 5
        row("13", ""),  # row 6
        row("14", "T" * 151),  # row 7
        row("15", "Thôn Mười Lăm", "khu phố"),  # row 8
        row("16", "Thôn Mười Sáu", lat="abc", lon="105"),  # row 9
        row("17", "Thôn Mười Bảy", lat="30", lon="100"),  # row 10
        row("18", existing.name.lower()),  # row 11: name of a stored village
        {"code": "", "name": "", "kind": "", "lat": "", "lon": ""},  # row 12: blank, skipped
        row("19", "Thôn Mười Chín", lat="20.5"),  # row 13: lat without lon
        row("20", "thôn mười"),  # row 14: same name as row 2
    ]
    with pytest.raises(ImportRejected) as rejected:
        village_import_rows(actor=officer_a, commune=tree.a, rows=rows)
    errors = rejected.value.errors
    assert [(e.row, e.column) for e in errors] == [
        (2, "Tên thôn"),
        (3, "Mã thôn"),
        (4, "Mã thôn"),
        (5, "Mã thôn"),
        (6, "Tên thôn"),
        (7, "Tên thôn"),
        (8, "Loại"),
        (9, "Vĩ độ"),
        (10, "Vĩ độ"),
        (10, "Kinh độ"),
        (11, "Tên thôn"),
        (13, "Kinh độ"),
        (14, "Tên thôn"),
    ]
    reasons = {(e.row, e.column): e.reason for e in errors}
    assert reasons[(3, "Mã thôn")] == "Thiếu mã thôn."
    assert "lặp lại (đã có ở dòng 2)" in reasons[(4, "Mã thôn")]
    assert "Thiếu tên thôn" in reasons[(6, "Tên thôn")]
    assert "quá giới hạn 150" in reasons[(7, "Tên thôn")]
    assert "Loại “khu phố” không hợp lệ" in reasons[(8, "Loại")]
    assert "không phải số" in reasons[(9, "Vĩ độ")]
    assert "ngoài lãnh thổ Việt Nam" in reasons[(10, "Kinh độ")]
    assert f"Xã đã có thôn tên “{existing.name}” (mã 01)" in reasons[(11, "Tên thôn")]
    assert "trùng với tên ở dòng 14" in reasons[(2, "Tên thôn")]
    assert "trùng với tên ở dòng 2" in reasons[(14, "Tên thôn")]
    assert str(errors[1]) == "Dòng 3, cột “Mã thôn”: Thiếu mã thôn."
    assert "không có dòng nào được ghi" in rejected.value.message
    assert tree.snapshot() == before
    assert not AuditEntry.objects.exists()


def test_two_villages_may_swap_names_in_one_file(tree: Tree, officer_a: User) -> None:
    """Names are checked on the result of the whole file, not row by row."""
    first, second = tree.villages(tree.a)
    report = village_import_rows(
        actor=officer_a,
        commune=tree.a,
        rows=[row("01", second.name), row("02", first.name)],
    )
    assert report.updated == 2
    assert [v.name for v in tree.villages(tree.a)] == [second.name, first.name]


def test_same_name_in_another_commune_is_allowed(tree: Tree, officer_a: User) -> None:
    """Names are unique within a commune only."""
    name = tree.villages(tree.b)[0].name
    report = village_import_rows(actor=officer_a, commune=tree.a, rows=[row("50", name)])
    assert report.created == 1


def test_officer_of_another_commune_cannot_import(tree: Tree, officer_a: User) -> None:
    """An officer of commune A cannot import villages into commune B; nothing changes."""
    before = tree.snapshot()
    with pytest.raises(AccessDenied):
        village_import_rows(actor=officer_a, commune=tree.b, rows=[row("01", "Thôn Chiếm")])
    assert tree.snapshot() == before


def test_errors_are_row_errors(tree: Tree, officer_a: User) -> None:
    """Errors are `RowError`s that pages and the API show as they are."""
    with pytest.raises(ImportRejected) as rejected:
        village_import_rows(actor=officer_a, commune=tree.a, rows=[row("1", "Thôn A", "")])
    assert rejected.value.errors == [
        RowError(2, "Loại", "Thiếu loại (Thôn / Ấp / Bản / Xóm / Tổ dân phố).")
    ]


def test_query_count_does_not_grow_with_rows(tree: Tree, officer_a: User) -> None:
    """Validation reads the commune's villages once, whatever the number of rows; the
    writes are batched (audit entries are one insert each)."""

    def reads(n: int, start: int) -> int:
        rows = [row(f"{start + i}", f"Thôn {start + i}") for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            village_import_rows(actor=officer_a, commune=tree.a, rows=rows)
        return sum(1 for q in queries if q["sql"].lstrip().upper().startswith("SELECT"))

    reads(1, 50)  # the actor's roles and content types are read once, then cached
    assert reads(1, 100) == reads(40, 200)
